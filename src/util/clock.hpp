#pragma once

#include <chrono>

namespace it {

// Source of "now" for anything that stores or compares wall-clock times. Tests inject a fixed
// clock; production uses SystemClock. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

}  // namespace it
