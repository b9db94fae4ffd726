#include "domain/media.hpp"

namespace it::domain {
namespace {

bool allDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// "YYYY", "YYYY-MM" or "YYYY-MM-DD" with plausible months and days.
bool isDatePrefix(std::string_view date, std::size_t parts) {
  static constexpr std::size_t kLength[] = {0, 4, 7, 10};
  if (date.size() != kLength[parts] || !allDigits(date.substr(0, 4))) return false;
  if (parts >= 2) {
    if (date[4] != '-' || !allDigits(date.substr(5, 2))) return false;
    int month = (date[5] - '0') * 10 + (date[6] - '0');
    if (month < 1 || month > 12) return false;
  }
  if (parts == 3) {
    if (date[7] != '-' || !allDigits(date.substr(8, 2))) return false;
    int day = (date[8] - '0') * 10 + (date[9] - '0');
    if (day < 1 || day > 31) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> spotifyReleaseDay(std::string_view date, std::string_view precision) {
  if (precision == "day" && isDatePrefix(date, 3)) return std::string(date);
  if (precision == "month" && isDatePrefix(date, 2)) return std::string(date) + "-01";
  if (precision == "year" && isDatePrefix(date, 1)) return std::string(date) + "-01-01";
  return std::nullopt;
}

}  // namespace it::domain
