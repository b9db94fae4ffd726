#include "util/retry.hpp"

#include <algorithm>
#include <random>

namespace it {

std::chrono::milliseconds fullJitterBackoff(std::chrono::milliseconds initial,
                                            std::chrono::milliseconds max, int retry_index) {
  auto cap = initial;
  for (int i = 0; i < retry_index && cap < max; ++i) cap *= 2;
  cap = std::min(cap, max);
  if (cap <= std::chrono::milliseconds::zero()) return std::chrono::milliseconds::zero();
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::chrono::milliseconds::rep> pick(0, cap.count());
  return std::chrono::milliseconds(pick(rng));
}

}  // namespace it
