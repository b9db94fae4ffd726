// domain::parseIsoDurationSeconds (YouTube's contentDetails.duration).
//
// Invariants: a result is never negative, and agrees with a reference written from the
// header's description: P[nW][nD][T[nH][nM][n[.f]S]] with at least one component (and at
// least one after a T), whole seconds with a fraction truncated, nothing on overflow.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "domain/iso_duration.hpp"
#include "fuzz_support.hpp"

namespace {

using Wide = __int128;
constexpr Wide kMax = std::numeric_limits<std::int64_t>::max();

bool digit(char c) { return c >= '0' && c <= '9'; }

// Reads digits at `pos`; their value saturated just above kMax. False when there are none.
bool number(std::string_view s, std::size_t& pos, Wide& value) {
  std::size_t start = pos;
  value = 0;
  while (pos < s.size() && digit(s[pos])) {
    value = std::min<Wide>(value * 10 + (s[pos] - '0'), kMax + 1);
    ++pos;
  }
  return pos > start;
}

// Reads an optional component "<n><designator>" (with `fraction`, also "<n>.<digits>S").
// False for a malformed one; `total` saturates above kMax.
bool component(std::string_view s, std::size_t& pos, char designator, Wide unit, bool fraction,
               Wide& total, bool& any) {
  std::size_t start = pos;
  Wide value = 0;
  if (!number(s, pos, value)) {
    pos = start;
    return true;  // absent
  }
  if (fraction && pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t digits = pos;
    while (pos < s.size() && digit(s[pos])) ++pos;
    if (pos == digits) return false;
  }
  if (pos >= s.size() || s[pos] != designator) {
    pos = start;  // a later designator's number: not this component
    return true;
  }
  ++pos;
  any = true;
  total = std::min<Wide>(total + std::min<Wide>(value, kMax + 1) * unit, kMax + 1);
  return true;
}

std::optional<std::int64_t> reference(std::string_view s) {
  if (s.empty() || s[0] != 'P') return std::nullopt;
  std::size_t pos = 1;
  Wide total = 0;
  bool any = false;
  if (!component(s, pos, 'W', 7 * 86400, false, total, any)) return std::nullopt;
  if (!component(s, pos, 'D', 86400, false, total, any)) return std::nullopt;
  if (pos < s.size() && s[pos] == 'T') {
    ++pos;
    bool any_time = false;
    if (!component(s, pos, 'H', 3600, false, total, any_time)) return std::nullopt;
    if (!component(s, pos, 'M', 60, false, total, any_time)) return std::nullopt;
    if (!component(s, pos, 'S', 1, true, total, any_time)) return std::nullopt;
    if (!any_time) return std::nullopt;
    any = true;
  }
  if (pos != s.size() || !any || total > kMax) return std::nullopt;
  return static_cast<std::int64_t>(total);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = it::fuzz::textOf(data, size);
  auto seconds = it::domain::parseIsoDurationSeconds(text);
  if (seconds) FUZZ_CHECK(*seconds >= 0);
  auto expected = reference(text);
  if (seconds != expected) {
    std::fprintf(stderr, "parseIsoDurationSeconds: %s, reference: %s\n",
                 seconds ? std::to_string(*seconds).c_str() : "nothing",
                 expected ? std::to_string(*expected).c_str() : "nothing");
  }
  FUZZ_CHECK(seconds == expected);
  return 0;
}
