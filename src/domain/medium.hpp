#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

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

}  // namespace it::domain
