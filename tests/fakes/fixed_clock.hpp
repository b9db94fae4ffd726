#pragma once

#include <atomic>
#include <chrono>

#include "util/clock.hpp"

namespace it::test {

// A clock that stands still until a test moves it. Thread-safe.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point t)
      : now_(t.time_since_epoch().count()) {}
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::system_clock::duration(now_.load()));
  }
  void set(std::chrono::system_clock::time_point t) { now_ = t.time_since_epoch().count(); }
  void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }

 private:
  std::atomic<std::chrono::system_clock::rep> now_;
};

// 2025-01-15T10:30:00.123456Z, the time in the original README's examples.
inline std::chrono::system_clock::time_point readmeTime() {
  using namespace std::chrono;
  return sys_days{year{2025} / January / 15} + hours{10} + minutes{30} + microseconds{123456};
}

}  // namespace it::test
