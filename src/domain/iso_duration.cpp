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

struct Unit {
  char designator;
  std::int64_t seconds;
};
// Designators in the only order ISO 8601 allows; each may appear at most once.
constexpr Unit kDateUnits[] = {{'W', 7 * 86400}, {'D', 86400}};
constexpr Unit kTimeUnits[] = {{'H', 3600}, {'M', 60}, {'S', 1}};

// Reads components such as "3D" or "12H" from `pos` up to `stop` or the end of `text`, with
// designators in the order of `units`, each at most once, adding their seconds to `total`.
// Only seconds may have a fraction; it is validated and then dropped (truncation). Returns how
// many components were read; nothing when the text is not such components or overflows.
template <std::size_t N>
std::optional<int> readComponents(std::string_view text, std::size_t& pos, const Unit (&units)[N],
                                  char stop, std::int64_t& total) {
  int read = 0;
  std::size_t next_unit = 0;
  while (pos < text.size() && text[pos] != stop) {
    auto count = readNumber(text, pos);
    if (!count || pos >= text.size()) return std::nullopt;
    bool fraction = false;
    if (text[pos] == '.') {
      ++pos;
      std::size_t digits = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == digits || pos >= text.size() || text[pos] != 'S') return std::nullopt;
      fraction = true;
    }
    while (next_unit < N && units[next_unit].designator != text[pos]) ++next_unit;
    if (next_unit == N) return std::nullopt;
    if (fraction && units[next_unit].designator != 'S') return std::nullopt;
    if (!addScaled(total, *count, units[next_unit].seconds)) return std::nullopt;
    ++next_unit;
    ++pos;
    ++read;
  }
  return read;
}

}  // namespace

std::optional<std::int64_t> parseIsoDurationSeconds(std::string_view text) {
  if (text.size() < 2 || text[0] != 'P') return std::nullopt;
  std::size_t pos = 1;
  std::int64_t total = 0;
  auto components = readComponents(text, pos, kDateUnits, 'T', total);
  if (!components) return std::nullopt;
  if (pos < text.size()) {
    ++pos;  // 'T', which must be followed by at least one time component
    auto time = readComponents(text, pos, kTimeUnits, '\0', total);
    if (!time || *time == 0 || pos != text.size()) return std::nullopt;
    *components += *time;
  }
  if (*components == 0) return std::nullopt;
  return total;
}

}  // namespace it::domain
