#include "domain/logs.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace it::domain {
namespace {

constexpr std::array<std::string_view, kMediums> kMediumNames = {
    "anime", "tv",    "movie",        "youtube", "podcast", "audiobook", "listening",
    "book",  "manga", "visual_novel", "reading", "game",    "other"};

constexpr std::array<std::string_view, 5> kUnitNames = {"episodes", "pages", "characters",
                                                        "chapters", "volumes"};

template <std::size_t N>
std::string joined(const std::array<std::string_view, N>& names) {
  std::string out;
  for (auto name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

void add(LogTotalsDelta& delta, const ImmersionLog& log, int sign) {
  LogTally& tally = delta[{log.date, log.medium, log.language.value_or("")}];
  tally.minutes += sign * log.minutes;
  tally.logs += sign;
}

}  // namespace

std::string_view mediumName(Medium medium) {
  return kMediumNames[static_cast<std::size_t>(medium)];
}

std::optional<Medium> mediumNamed(std::string_view name) {
  auto at = std::find(kMediumNames.begin(), kMediumNames.end(), name);
  if (at == kMediumNames.end()) return std::nullopt;
  return static_cast<Medium>(at - kMediumNames.begin());
}

std::string mediumNames() { return joined(kMediumNames); }

Medium mediumOf(ItemKind kind) {
  switch (kind) {
    case ItemKind::kEpisode:
      return Medium::kTv;
    case ItemKind::kMovie:
      return Medium::kMovie;
    case ItemKind::kYoutubeVideo:
      return Medium::kYoutube;
    case ItemKind::kSpotifyEpisode:
      return Medium::kPodcast;
  }
  return Medium::kOther;
}

std::string_view unitName(AmountUnit unit) { return kUnitNames[static_cast<std::size_t>(unit)]; }

std::optional<AmountUnit> unitNamed(std::string_view name) {
  auto at = std::find(kUnitNames.begin(), kUnitNames.end(), name);
  if (at == kUnitNames.end()) return std::nullopt;
  return static_cast<AmountUnit>(at - kUnitNames.begin());
}

std::string unitNames() { return joined(kUnitNames); }

std::string newLogId(std::int64_t created_at_micros, std::uint32_t random_bits) {
  char text[25];
  std::snprintf(text, sizeof text, "%016llx%08x",
                static_cast<unsigned long long>(created_at_micros),
                static_cast<unsigned>(random_bits));
  return text;
}

bool isLogId(std::string_view text) {
  return text.size() == 24 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

ImmersionLog withChange(ImmersionLog log, const LogChange& change) {
  if (change.medium) log.medium = *change.medium;
  if (change.minutes) log.minutes = *change.minutes;
  if (change.title) log.title = *change.title;
  if (change.amount) log.amount = *change.amount;
  if (change.unit) log.unit = *change.unit;
  if (change.language) log.language = *change.language;
  if (change.date) log.date = *change.date;
  if (change.note) log.note = *change.note;
  return log;
}

std::optional<std::string> logInconsistency(const ImmersionLog& log) {
  if (log.amount && !log.unit) return "unit must be given with amount (" + unitNames() + ")";
  if (log.unit && !log.amount) return "amount must be given with unit";
  return std::nullopt;
}

LogTotals logTotalsOfRows(const std::vector<LogDayTotal>& rows, LocalDay from, LocalDay to) {
  LogTotals totals;
  std::map<std::pair<Medium, std::optional<std::string>>, LogShareTotal> shares;
  std::map<LocalDay, LogDateTotal> dates;
  for (const LogDayTotal& row : rows) {
    if (row.day >= from && row.day <= to) totals.days.push_back(row);
    LogShareTotal& share = shares[{row.medium, row.language}];
    share.medium = row.medium;
    share.language = row.language;
    share.minutes += row.minutes;
    share.logs += row.logs;
    LogDateTotal& date = dates[row.day];
    date.day = row.day;
    date.minutes += row.minutes;
    date.logs += row.logs;
  }
  for (auto& [key, share] : shares) totals.shares.push_back(std::move(share));
  for (auto& [day, date] : dates) totals.dates.push_back(date);
  return totals;
}

LogTotalsDelta logTotals(const ImmersionLog& log, int sign) {
  LogTotalsDelta delta;
  add(delta, log, sign);
  return delta;
}

LogTotalsDelta logTotalsChange(const ImmersionLog& before, const ImmersionLog& after) {
  LogTotalsDelta delta;
  add(delta, before, -1);
  add(delta, after, +1);
  std::erase_if(delta, [](const auto& entry) { return entry.second == LogTally{}; });
  return delta;
}

}  // namespace it::domain
