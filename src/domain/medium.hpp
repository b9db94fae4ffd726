#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/time_zone.hpp"

namespace it::domain {

// What a learner immersed in: the medium of a manual log (domain/logs.hpp), and of synced
// items (episodes count as tv, movies movie, videos youtube, Spotify episodes podcast).
enum class Medium : std::uint8_t {
  kAnime,
  kTv,
  kMovie,
  kYoutube,
  kPodcast,
  kAudiobook,
  kListening,
  kBook,
  kManga,
  kVisualNovel,
  kReading,
  kGame,
  kOther,
};
inline constexpr std::size_t kMediums = 13;

// A user's manual logs of one (date, medium, language), summed: a row of the totals the
// stores keep (domain::logTotals says how they change).
struct LogDayTotal {
  LocalDay day = 0;
  Medium medium = Medium::kOther;
  std::optional<std::string> language;
  std::int64_t minutes = 0;
  std::int64_t logs = 0;
};

// A user's manual logs of one (medium, language) over all time, summed.
struct LogShareTotal {
  Medium medium = Medium::kOther;
  std::optional<std::string> language;
  std::int64_t minutes = 0;
  std::int64_t logs = 0;
};

// A user's manual logs of one date, summed.
struct LogDateTotal {
  LocalDay day = 0;
  std::int64_t minutes = 0;
  std::int64_t logs = 0;
};

// What GET /progress and GET /api/activity read of a user's logs: the three kinds of totals the
// stores keep, so that neither reads more rows than days, plus the (date, medium, language)
// rows of the days asked for only.
struct LogTotals {
  std::vector<LogDayTotal> days;      // the days asked for (the last week, an activity range)
  std::vector<LogShareTotal> shares;  // all time, when asked for
  std::vector<LogDateTotal> dates;    // all time, when asked for
};

// The totals `rows` (every (date, medium, language) row of a user) come to, with the rows of
// [from, to] only: what a store gives for them (the stores keep the three apart).
LogTotals logTotalsOfRows(const std::vector<LogDayTotal>& rows, LocalDay from, LocalDay to);

}  // namespace it::domain
