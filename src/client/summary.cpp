#include "client/summary.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "util/utf8.hpp"

namespace it::client {
namespace {

// Python's ints are unbounded; every JSON integer (int64 or uint64) fits in 128 bits, so the
// floor division and modulo below are exact for anything the server can send.
__extension__ typedef __int128 Int;
__extension__ typedef unsigned __int128 UInt;

constexpr int kBarWidth = 30;
constexpr std::size_t kLabelWidth = 11;
constexpr std::size_t kAmountWidth = 7;
constexpr std::string_view kBarBlock = "\u2588";   // █
constexpr std::string_view kSeparator = "\u2502";  // │

const boost::json::value* field(const boost::json::object& object, std::string_view key) {
  return object.if_contains(key);
}

// An integer field; missing, null and non-numbers count as 0. A double is truncated toward
// zero (an integral one, as another server might send, is taken as is).
Int intField(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = field(object, key);
  if (value == nullptr) return 0;
  if (const std::int64_t* i = value->if_int64()) return *i;
  if (const std::uint64_t* u = value->if_uint64()) return *u;
  if (const double* d = value->if_double()) {
    if (std::isfinite(*d) && std::fabs(*d) < 1.0e38) return static_cast<Int>(*d);
  }
  return 0;
}

// Python's `name or "Unknown"`: null, missing and "" all read as "Unknown".
std::string nameOr(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = field(object, key);
  if (value != nullptr) {
    if (const boost::json::string* s = value->if_string(); s != nullptr && !s->empty()) {
      return std::string(s->data(), s->size());
    }
  }
  return "Unknown";
}

// The elements of a list field as objects; a missing or non-array field is an empty list and
// an element that is not an object reads as one with every field missing.
std::vector<const boost::json::object*> listField(const boost::json::object& object,
                                                  std::string_view key) {
  static const boost::json::object kEmpty;
  std::vector<const boost::json::object*> items;
  const boost::json::value* value = field(object, key);
  if (value == nullptr) return items;
  const boost::json::array* array = value->if_array();
  if (array == nullptr) return items;
  items.reserve(array->size());
  for (const boost::json::value& element : *array) {
    const boost::json::object* item = element.if_object();
    items.push_back(item != nullptr ? item : &kEmpty);
  }
  return items;
}

std::string toString(Int value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  UInt magnitude = negative ? -static_cast<UInt>(value) : static_cast<UInt>(value);
  std::string digits;
  while (magnitude != 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  if (negative) digits.insert(digits.begin(), '-');
  return digits;
}

// str(int(x)) for an integral double: every digit, as Python prints a big int.
std::string integralDoubleToString(double value) {
  if (value == 0.0) value = 0.0;  // int(-0.0) prints "0"
  char buffer[400];
  auto [end, error] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 0);
  if (error != std::errc()) return "0";
  return std::string(buffer, end);
}

Int floorDiv(Int a, Int b) {
  Int q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Int floorMod(Int a, Int b) { return a - floorDiv(a, b) * b; }

// Python's int / int: exact operands give the correctly rounded quotient for |x| <= 2^53.
double toDouble(Int value) { return static_cast<double>(value); }

// Python pads by code points, so a multi-byte character counts once.
std::string padRight(std::string text, std::size_t width) {
  const std::size_t length = utf8CodePoints(text);
  if (length < width) text.append(width - length, ' ');
  return text;
}

std::string padLeft(const std::string& text, std::size_t width) {
  const std::size_t length = utf8CodePoints(text);
  if (length >= width) return text;
  return std::string(width - length, ' ') + text;
}

// "█" * int(value / max * 30), already padded to 30 characters. Values above the max (only
// possible with a negative max, which the server never sends) are capped at a full bar.
std::string bar(Int value, Int max) {
  if (max == 0) max = 1;
  const double scaled = toDouble(value) / toDouble(max) * kBarWidth;
  int length = 0;
  if (scaled >= kBarWidth) {
    length = kBarWidth;
  } else if (scaled > 0) {
    length = static_cast<int>(scaled);
  }
  std::string result;
  result.reserve(kBarWidth * kBarBlock.size());
  for (int i = 0; i < length; ++i) result.append(kBarBlock);
  result.append(static_cast<std::size_t>(kBarWidth - length), ' ');
  return result;
}

std::string chartLine(const std::string& label, const std::string& barText,
                      const std::string& amount) {
  std::string line = padRight(label, kLabelWidth);
  line.append(kSeparator);
  line.append(barText);
  line.append("  ");
  line.append(padLeft(amount, kAmountWidth));
  return line;
}

// Python's round(float): nearest integer, halves to even.
double roundHalfEven(double value) {
  const double floor = std::floor(value);
  const double fraction = value - floor;
  if (fraction > 0.5) return floor + 1.0;
  if (fraction < 0.5) return floor;
  return std::fmod(floor, 2.0) == 0.0 ? floor : floor + 1.0;
}

// The trend line's "{+}{round(pct)}", or nothing when the percentage is null or missing.
std::optional<std::string> roundedTrend(const boost::json::object& progress) {
  const boost::json::value* value = field(progress, "weekly_trend_percentage");
  if (value == nullptr) return std::nullopt;
  if (const std::int64_t* i = value->if_int64()) {
    return (*i > 0 ? "+" : "") + toString(*i);
  }
  if (const std::uint64_t* u = value->if_uint64()) {
    return (*u > 0 ? "+" : "") + toString(*u);
  }
  if (const double* d = value->if_double(); d != nullptr && std::isfinite(*d)) {
    const double rounded = roundHalfEven(*d);
    return (rounded > 0 ? "+" : "") + integralDoubleToString(rounded);
  }
  return std::nullopt;
}

std::string plural(bool one, std::string_view singular, std::string_view many) {
  return std::string(one ? singular : many);
}

void appendLine(std::string& out, std::string_view line) {
  out.append(line);
  out.push_back('\n');
}

void appendWeeklyActivity(std::string& out, const boost::json::object& progress) {
  appendLine(out, "Weekly activity:");
  const auto days = listField(progress, "daily_activity");
  Int maxMinutes = 0;
  for (std::size_t i = 0; i < days.size(); ++i) {
    const Int minutes = intField(*days[i], "minutes_watched");
    if (i == 0 || minutes > maxMinutes) maxMinutes = minutes;
  }
  for (const boost::json::object* day : days) {
    const Int daysAgo = intField(*day, "days_ago");
    const Int minutes = intField(*day, "minutes_watched");
    std::string label = daysAgo == 0   ? "Today"
                        : daysAgo == 1 ? "Yesterday"
                                       : toString(daysAgo) + " days ago";
    const Int hours = floorDiv(minutes, 60);
    const Int mins = floorMod(minutes, 60);
    std::string time =
        hours > 0 ? toString(hours) + "h " + toString(mins) + "m" : toString(mins) + "m";
    appendLine(out, chartLine(label, bar(minutes, maxMinutes), time));
  }
}

void appendAllTimeProgress(std::string& out, const boost::json::object& progress) {
  appendLine(out, "All time progress:");
  const auto quarters = listField(progress, "all_time_progress");
  Int maxHours = 0;
  for (std::size_t i = 0; i < quarters.size(); ++i) {
    const Int hours = intField(*quarters[i], "cumulative_hours");
    if (i == 0 || hours > maxHours) maxHours = hours;
  }
  for (const boost::json::object* quarter : quarters) {
    const Int hours = intField(*quarter, "cumulative_hours");
    std::string label;
    if (const boost::json::value* value = field(*quarter, "label")) {
      if (const boost::json::string* s = value->if_string()) label.assign(s->data(), s->size());
    }
    appendLine(out, chartLine(label, bar(hours, maxHours), toString(hours) + "h"));
  }
}

// What was watched, kind by kind, each list followed by a blank line.
void appendItemLists(std::string& out, const boost::json::object& progress) {
  const auto shows = listField(progress, "shows");
  const auto movies = listField(progress, "movies");
  const auto channels = listField(progress, "youtube_channels");
  const auto spotifyShows = listField(progress, "spotify_shows");

  for (const boost::json::object* show : shows) {
    appendLine(out, toString(intField(*show, "episodes_watched")) + " episodes of " +
                        nameOr(*show, "name"));
  }
  if (!shows.empty() && !movies.empty()) appendLine(out, "");
  for (const boost::json::object* movie : movies) appendLine(out, nameOr(*movie, "name"));
  if ((!shows.empty() || !movies.empty()) && !channels.empty()) appendLine(out, "");
  for (const boost::json::object* channel : channels) {
    const Int videos = intField(*channel, "videos_watched");
    appendLine(out, toString(videos) + plural(videos == 1, " video of ", " videos of ") +
                        nameOr(*channel, "channel_name"));
  }
  if ((!shows.empty() || !movies.empty() || !channels.empty()) && !spotifyShows.empty()) {
    appendLine(out, "");
  }
  for (const boost::json::object* show : spotifyShows) {
    const Int episodes = intField(*show, "episodes_watched");
    appendLine(out, toString(episodes) + plural(episodes == 1, " episode of ", " episodes of ") +
                        nameOr(*show, "show_name"));
  }
  if (!shows.empty() || !movies.empty() || !channels.empty() || !spotifyShows.empty()) {
    appendLine(out, "");
  }
}

void appendToday(std::string& out, const boost::json::object& progress) {
  appendLine(out,
             toString(intField(progress, "episodes_watched_today")) + " episodes watched today.");
  appendLine(out, toString(intField(progress, "movies_watched_today")) + " movies watched today.");
  appendLine(out, toString(intField(progress, "youtube_videos_watched_today")) +
                      " YouTube videos watched today.");
  appendLine(out, toString(intField(progress, "spotify_episodes_watched_today")) +
                      " Spotify episodes watched today.");
  appendLine(out, "");
}

// Total hours, and the years and months since the first item.
void appendTotals(std::string& out, const boost::json::object& progress) {
  const Int totalHours = intField(progress, "total_hours_watched");
  appendLine(out, toString(totalHours) + plural(totalHours == 1, " total hour", " total hours") +
                      " watched.");

  // int(days / 365) and int((days % 365) / (365 / 12)), in doubles as Python computes them.
  const Int days = intField(progress, "days_since_first_episode");
  const double years = std::trunc(toDouble(days) / 365.0);
  const double months = std::trunc(toDouble(floorMod(days, 365)) / (365.0 / 12.0));
  appendLine(out, integralDoubleToString(years) + plural(years == 1.0, " year", " years") +
                      " and " + integralDoubleToString(months) +
                      plural(months == 1.0, " month", " months") + " since immersion started.");
}

}  // namespace

std::string formatProgressSummary(const boost::json::object& progress) {
  std::string out;
  appendItemLists(out, progress);
  appendToday(out, progress);
  appendWeeklyActivity(out, progress);
  if (const auto trend = roundedTrend(progress)) {
    appendLine(out, "This week's activity is " + *trend + "% compared to the average.");
  }
  appendLine(out, "");

  appendAllTimeProgress(out, progress);
  appendTotals(out, progress);
  return out;
}

}  // namespace it::client
