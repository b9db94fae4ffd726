#include "util/time_format.hpp"

#include <gtest/gtest.h>

#include "fakes/fixed_clock.hpp"

namespace it {
namespace {

TEST(TimeFormat, MicrosecondsLikePythonIsoformat) {
  EXPECT_EQ(formatUtcMicros(test::readmeTime()), "2025-01-15T10:30:00.123456");
  EXPECT_EQ(formatUtcMicros(std::chrono::system_clock::time_point{}), "1970-01-01T00:00:00.000000");
}

TEST(TimeFormat, MillisecondsWithZoneForLogs) {
  EXPECT_EQ(formatUtcMillisZ(test::readmeTime()), "2025-01-15T10:30:00.123Z");
}

}  // namespace
}  // namespace it
