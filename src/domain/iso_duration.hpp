#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace it::domain {

// Parses an ISO 8601 duration as YouTube sends it (contentDetails.duration): "PT3M33S",
// "PT1H", "P1DT2H", "P2W", "P0D" (live streams: zero), fractional seconds "PT1.5S" (truncated).
// Returns whole seconds, or nothing for anything else (empty, "P", "PT", garbage, overflow).
std::optional<std::int64_t> parseIsoDurationSeconds(std::string_view text);

}  // namespace it::domain
