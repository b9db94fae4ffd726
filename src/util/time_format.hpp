#pragma once

#include <chrono>
#include <string>

namespace it {

// "2025-01-15T10:30:00.123456": UTC, microseconds, no zone suffix (the original's
// datetime.utcnow().isoformat() form, which its README documents).
std::string formatUtcMicros(std::chrono::system_clock::time_point t);

// "2025-01-15T10:30:00.123Z": UTC with milliseconds, for log lines.
std::string formatUtcMillisZ(std::chrono::system_clock::time_point t);

}  // namespace it
