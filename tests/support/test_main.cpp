#include <gtest/gtest.h>

#include "telemetry/log.hpp"

// Tests log only warnings and errors, synchronously, so a failing test shows why.
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  it::telemetry::configureLogging(it::telemetry::LogLevel::kWarn, false);
  return RUN_ALL_TESTS();
}
