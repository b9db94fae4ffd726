#include "telemetry/log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>

#include "util/time_format.hpp"

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

// Writes {"time": ..., "level": ..., <fields>} so every line starts with the same two keys.
// `extra` is raw JSON appended after the fields (numbers formatted our way).
void emit(spdlog::level::level_enum level, const boost::json::object& fields,
          std::string_view extra = {}) {
  auto logger = spdlog::default_logger_raw();
  std::string body = boost::json::serialize(fields);  // "{...}"
  auto level_name = spdlog::level::to_string_view(level);
  std::string line = R"({"time":")" + formatUtcMillisZ(std::chrono::system_clock::now()) +
                     R"(","level":")" + std::string(level_name.data(), level_name.size()) + "\"";
  if (body.size() > 2) line += "," + body.substr(1, body.size() - 2);
  line += extra;
  line += "}";
  logger->log(level, "{}", line);
}

void emitFields(spdlog::level::level_enum level, std::string_view msg,
                std::initializer_list<Field> fields) {
  if (!spdlog::default_logger_raw()->should_log(level)) return;
  boost::json::object line;
  line.emplace("msg", msg);
  for (const auto& [k, v] : fields) line.emplace(k, v);
  emit(level, line);
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

void configureLogging(LogLevel level, bool async) {
  std::shared_ptr<spdlog::logger> logger;
  if (async) {
    // Block (not drop) when the queue is full: a log line is never silently lost.
    spdlog::init_thread_pool(16384, 1);
    logger = std::make_shared<spdlog::async_logger>(
        "it", std::make_shared<spdlog::sinks::stdout_sink_mt>(), spdlog::thread_pool(),
        spdlog::async_overflow_policy::block);
  } else {
    logger =
        std::make_shared<spdlog::logger>("it", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  }
  logger->set_pattern("%v");
  logger->set_level(toSpd(level));
  // Warnings and errors reach the terminal at once; request lines within a second.
  logger->flush_on(async ? spdlog::level::warn : spdlog::level::trace);
  spdlog::set_default_logger(logger);
  if (async) spdlog::flush_every(std::chrono::seconds(1));
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

void logRequest(std::string_view request_id, std::string_view method, std::string_view route,
                std::string_view path, int status, double duration_ms, std::string_view user) {
  auto logger = spdlog::default_logger_raw();
  if (!logger->should_log(spdlog::level::info)) return;
  // Formatted directly (this runs once per request): only the path can hold characters
  // that need JSON escaping; ids, methods, routes and user names cannot.
  std::string escaped_path = boost::json::serialize(boost::json::string_view(path));
  logger->info(R"({{"time":"{}","level":"info","msg":"request","request_id":"{}","method":"{}",)"
               R"("route":"{}","path":{},"status":{},"duration_ms":{:.3f},"user":{}}})",
               formatUtcMillisZ(std::chrono::system_clock::now()), request_id, method, route,
               escaped_path, status, duration_ms,
               user.empty() ? std::string("null") : "\"" + std::string(user) + "\"");
}

}  // namespace it::telemetry
