#include "domain/iso_duration.hpp"

#include <cstddef>
#include <limits>

namespace it::domain {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

// Reads the digits at `pos` as a non-negative integer; nothing when there are none or the value
// does not fit.
std::optional<std::int64_t> readNumber(std::string_view text, std::size_t& pos) {
  std::size_t start = pos;
  std::int64_t value = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    int digit = text[pos] - '0';
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return value;
}

// total += count * unit, refusing overflow.
bool addScaled(std::int64_t& total, std::int64_t count, std::int64_t unit) {
  if (count > (kMax - total) / unit) return false;
  total += count * unit;
  return true;
}

}  // namespace

std::optional<std::int64_t> parseIsoDurationSeconds(std::string_view text) {
  // Designators in the only order ISO 8601 allows; each may appear at most once.
  struct Unit {
    char designator;
    std::int64_t seconds;
  };
  static constexpr Unit kDateUnits[] = {{'W', 7 * 86400}, {'D', 86400}};
  static constexpr Unit kTimeUnits[] = {{'H', 3600}, {'M', 60}, {'S', 1}};

  if (text.size() < 2 || text[0] != 'P') return std::nullopt;
  std::size_t pos = 1;
  std::int64_t total = 0;
  bool any = false;

  std::size_t next_unit = 0;
  while (pos < text.size() && text[pos] != 'T') {
    auto count = readNumber(text, pos);
    if (!count || pos >= text.size()) return std::nullopt;
    while (next_unit < std::size(kDateUnits) && kDateUnits[next_unit].designator != text[pos]) {
      ++next_unit;
    }
    if (next_unit == std::size(kDateUnits)) return std::nullopt;
    if (!addScaled(total, *count, kDateUnits[next_unit].seconds)) return std::nullopt;
    ++next_unit;
    ++pos;
    any = true;
  }

  if (pos < text.size()) {
    ++pos;  // 'T', which must be followed by at least one time component
    bool any_time = false;
    next_unit = 0;
    while (pos < text.size()) {
      auto count = readNumber(text, pos);
      if (!count || pos >= text.size()) return std::nullopt;
      bool fraction = false;
      if (text[pos] == '.') {
        // Only seconds may have a fraction; it is validated and then dropped (truncation).
        ++pos;
        std::size_t digits = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == digits || pos >= text.size() || text[pos] != 'S') return std::nullopt;
        fraction = true;
      }
      while (next_unit < std::size(kTimeUnits) && kTimeUnits[next_unit].designator != text[pos]) {
        ++next_unit;
      }
      if (next_unit == std::size(kTimeUnits)) return std::nullopt;
      if (fraction && kTimeUnits[next_unit].designator != 'S') return std::nullopt;
      if (!addScaled(total, *count, kTimeUnits[next_unit].seconds)) return std::nullopt;
      ++next_unit;
      ++pos;
      any_time = true;
    }
    if (!any_time) return std::nullopt;
    any = true;
  }

  if (!any) return std::nullopt;
  return total;
}

}  // namespace it::domain
