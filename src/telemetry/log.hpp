#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace it::telemetry {

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

// Parses "debug", "info", "warn", "error", "off". False for anything else.
bool parseLogLevel(std::string_view text, LogLevel& level);

// Sets up the process's log: JSON lines on stdout. `buffered` (the server) collects lines in
// a 64 KiB buffer written out when full, every second, at a warning, and at
// shutdownLogging(), so request threads do not pay a write(2) per line; otherwise (the CLI,
// tests) every line is written at once.
void configureLogging(LogLevel level, bool buffered);
// Writes out what is buffered and stops the periodic flush.
void shutdownLogging();

using Field = std::pair<std::string_view, std::string_view>;

// One JSON line: {"time", "level", "msg", ...fields}. Thread-safe.
void logInfo(std::string_view msg, std::initializer_list<Field> fields = {});
void logWarn(std::string_view msg, std::initializer_list<Field> fields = {});
void logError(std::string_view msg, std::string_view error);

// Writes `line` (one JSON object, e.g. an Embedded Metric Format record) as a line of the log
// whatever the log level: metrics must not vanish with `--log-level warn`. Thread-safe.
void writeLine(std::string_view line);

// The per-request line: time, request id, method, route, status, duration, user.
void logRequest(std::string_view request_id, std::string_view method, std::string_view route,
                std::string_view path, int status, double duration_ms, std::string_view user);

}  // namespace it::telemetry
