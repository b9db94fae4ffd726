#pragma once

#include <chrono>

namespace it {

// How long to wait before retry number `retry_index` (0 for the first retry): a uniform pick
// in [0, cap], where cap is `initial` doubled per retry up to `max` ("full jitter", so that
// many clients do not retry in lockstep). Thread-safe.
std::chrono::milliseconds fullJitterBackoff(std::chrono::milliseconds initial,
                                            std::chrono::milliseconds max, int retry_index);

}  // namespace it
