#include "telemetry/log.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "util/time_format.hpp"
#include "util/utf8.hpp"

namespace it::telemetry {
namespace {

spdlog::level::level_enum toSpd(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      break;
  }
  return spdlog::level::off;
}

// Writes {"time": ..., "level": ..., <fields>} so every line starts with the same two keys
// (logRequest writes the same shape directly).
void emit(spdlog::level::level_enum level, const boost::json::object& fields) {
  auto logger = spdlog::default_logger_raw();
  std::string body = boost::json::serialize(fields);  // "{...}"
  auto level_name = spdlog::level::to_string_view(level);
  std::string line = R"({"time":")" + formatUtcMillisZ(std::chrono::system_clock::now()) +
                     R"(","level":")" + std::string(level_name.data(), level_name.size()) + "\"";
  if (body.size() > 2) line += "," + body.substr(1, body.size() - 2);
  line += "}";
  logger->log(level, "{}", line);
}

// Lifecycle and error lines are rare and someone may be waiting for them (a supervisor for
// "listening", say), so they are written out at once, unlike request lines.
void emitFields(spdlog::level::level_enum level, std::string_view msg,
                std::initializer_list<Field> fields) {
  auto logger = spdlog::default_logger_raw();
  if (!logger->should_log(level)) return;
  boost::json::object line;
  // Values may hold what a client sent (an error naming it, say): kept valid UTF-8, so every
  // line stays valid JSON.
  line.emplace("msg", withInvalidUtf8Replaced(msg));
  for (const auto& [k, v] : fields) line.emplace(k, withInvalidUtf8Replaced(v));
  emit(level, line);
  logger->flush();
}

}  // namespace

bool parseLogLevel(std::string_view text, LogLevel& level) {
  if (text == "debug")
    level = LogLevel::kDebug;
  else if (text == "info")
    level = LogLevel::kInfo;
  else if (text == "warn")
    level = LogLevel::kWarn;
  else if (text == "error")
    level = LogLevel::kError;
  else if (text == "off")
    level = LogLevel::kOff;
  else
    return false;
  return true;
}

namespace {

// Writes log lines into stdout's stdio buffer and leaves the write(2) to flush() or to a full
// buffer: one syscall per 64 KiB of log instead of one per request line (spdlog's
// stdout_sink flushes every line). The lock only covers a memcpy.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedStdoutSink() { std::setvbuf(stdout, nullptr, _IOFBF, 64 * 1024); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

}  // namespace

void configureLogging(LogLevel level, bool buffered) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (buffered) {
    sink = std::make_shared<BufferedStdoutSink>();
  } else {
    sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>("it", std::move(sink));
  logger->set_pattern("%v");
  logger->set_level(toSpd(level));
  // Buffered: warnings and errors reach the terminal at once, other lines within a second.
  logger->flush_on(buffered ? spdlog::level::warn : spdlog::level::trace);
  spdlog::set_default_logger(logger);
  if (buffered) spdlog::flush_every(std::chrono::seconds(1));
}

void shutdownLogging() {
  spdlog::default_logger_raw()->flush();
  spdlog::shutdown();
}

void logInfo(std::string_view msg, std::initializer_list<Field> fields) {
  emitFields(spdlog::level::info, msg, fields);
}

void logWarn(std::string_view msg, std::initializer_list<Field> fields) {
  emitFields(spdlog::level::warn, msg, fields);
}

void logError(std::string_view msg, std::string_view error) {
  emitFields(spdlog::level::err, msg, {{"error", error}});
}

void writeLine(std::string_view line) {
  auto logger = spdlog::default_logger_raw();
  spdlog::details::log_msg msg(logger->name(), spdlog::level::info, line);
  for (auto& sink : logger->sinks()) sink->log(msg);
}

void logRequest(std::string_view request_id, std::string_view method, std::string_view route,
                std::string_view path, int status, double duration_ms, std::string_view user) {
  auto logger = spdlog::default_logger_raw();
  if (!logger->should_log(spdlog::level::info)) return;
  // Formatted directly (this runs once per request): only the path can hold characters
  // that need JSON escaping, or bytes that are not UTF-8 (a client's "%FF"); ids, methods,
  // routes and user names cannot.
  std::string escaped_path =
      isValidUtf8(path)
          ? boost::json::serialize(boost::json::string_view(path))
          : boost::json::serialize(boost::json::string_view(withInvalidUtf8Replaced(path)));
  logger->info(R"({{"time":"{}","level":"info","msg":"request","request_id":"{}","method":"{}",)"
               R"("route":"{}","path":{},"status":{},"duration_ms":{:.3f},"user":{}}})",
               formatUtcMillisZ(std::chrono::system_clock::now()), request_id, method, route,
               escaped_path, status, duration_ms,
               user.empty() ? std::string("null") : "\"" + std::string(user) + "\"");
}

}  // namespace it::telemetry
