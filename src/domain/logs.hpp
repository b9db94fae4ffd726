#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "domain/language.hpp"
#include "domain/medium.hpp"
#include "domain/progress.hpp"
#include "domain/time_zone.hpp"

namespace it::domain {

// Manual immersion logs: what a learner did outside synced files and links (a book, a film at
// the cinema, a podcast outside Spotify), with a date, a medium, minutes and optionally an
// amount. Pure values and their rules; no I/O.

// "anime", "visual_novel", ...: the API's names, also stored.
std::string_view mediumName(Medium medium);
std::optional<Medium> mediumNamed(std::string_view name);
// The names, in Medium's order, for messages ("anime, tv, ...").
std::string mediumNames();

// The medium synced items count under: episodes tv, movies movie, videos youtube, Spotify
// episodes podcast.
Medium mediumOf(ItemKind kind);

enum class AmountUnit : std::uint8_t { kEpisodes, kPages, kCharacters, kChapters, kVolumes };
std::string_view unitName(AmountUnit unit);
std::optional<AmountUnit> unitNamed(std::string_view name);
std::string unitNames();

// Limits of a log's fields.
inline constexpr std::int64_t kMaxLogMinutes = 24 * 60;
inline constexpr std::int64_t kMaxLogAmount = 1'000'000'000;
inline constexpr std::size_t kMaxLogTitleBytes = 512;
inline constexpr std::size_t kMaxLogNoteBytes = 2000;

struct ImmersionLog {
  std::string id;  // time-ordered: see newLogId
  Medium medium = Medium::kOther;
  std::int64_t minutes = 0;
  std::optional<std::string> title;
  std::optional<std::int64_t> amount;
  std::optional<AmountUnit> unit;
  std::optional<std::string> language;  // a languageTag, or unknown
  LocalDay date = 0;                    // a day of the user's calendar
  std::optional<std::string> note;
  std::int64_t created_at = 0;  // epoch microseconds
  std::int64_t revision = 1;  // +1 on every change: stores replace a log only at the revision read

  friend bool operator==(const ImmersionLog&, const ImmersionLog&) = default;
};

// A new log's id: its creation time (16 hex digits of epoch microseconds) and 32 random bits
// (8 hex digits), so ids sort as logs were created and never collide in practice.
std::string newLogId(std::int64_t created_at_micros, std::uint32_t random_bits);
// Whether `text` has the shape newLogId gives.
bool isLogId(std::string_view text);

// A log's fields as a request gives them: all that POST /api/logs sets (the rest defaulted by
// the caller), or those PATCH changes. An inner nothing clears a field that may be empty.
struct LogChange {
  std::optional<Medium> medium;
  std::optional<std::int64_t> minutes;
  std::optional<std::optional<std::string>> title;
  std::optional<std::optional<std::int64_t>> amount;
  std::optional<std::optional<AmountUnit>> unit;
  std::optional<std::optional<std::string>> language;
  std::optional<LocalDay> date;
  std::optional<std::optional<std::string>> note;
};

// `log` with the fields `change` gives (id, created_at and revision stay).
ImmersionLog withChange(ImmersionLog log, const LogChange& change);

// What is wrong with `log` taken as a whole (the fields one by one are checked as they are
// decoded): an amount without its unit, or a unit without an amount. The field to name and
// why, or nothing.
std::optional<std::string> logInconsistency(const ImmersionLog& log);

// ---- the totals of logs -------------------------------------------------------------------

// Minutes and how many logs, per (date, medium, language): what GET /progress and GET
// /api/activity read instead of the logs. A language of "" stands for unknown.
struct LogTally {
  std::int64_t minutes = 0;
  std::int64_t logs = 0;

  friend bool operator==(const LogTally&, const LogTally&) = default;
};
using LogTotalsKey = std::tuple<LocalDay, Medium, std::string>;
using LogTotalsDelta = std::map<LogTotalsKey, LogTally>;

// What adding (`sign` +1) or removing (-1) `log` changes.
LogTotalsDelta logTotals(const ImmersionLog& log, int sign);
// What replacing `before` by `after` changes; entries that come to nothing are left out.
LogTotalsDelta logTotalsChange(const ImmersionLog& before, const ImmersionLog& after);

}  // namespace it::domain
