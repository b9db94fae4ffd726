#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "domain/progress.hpp"
#include "domain/time_zone.hpp"

namespace it::domain {

// The totals ledger: how a user's watched items add up to the totals GET /progress reads, so
// that it never has to read the whole history. Every store keeps the same three kinds of total
// for each user, in one time zone (the user's calendar):
//
//   per (local day, kind,   items and seconds; the language is the item's (a show folder's,
//        language)          channel's or podcast's as the user set it, else the provider's),
//                           empty when unknown
//   per (sync time, kind)   items and seconds; only needed for the last days (today and the
//                           trend's week), kept by stores that cannot read recent items cheaply
//   per (kind, group)       items: per show folder, YouTube channel or podcast (not movies)
//
// and the earliest timestamp. The functions below say how a sync, a re-tag of a show, a
// rebuild and a change of zone or language change those totals; stores read and write items and
// apply what these return, and contain none of this arithmetic. Pure functions, no I/O.

// How long an episode counts: its show's TVDB runtime, else 20 minutes, as in the original.
constexpr std::int64_t episodeSeconds(std::optional<std::int64_t> show_runtime_seconds) {
  return show_runtime_seconds.value_or(kDefaultEpisodeSeconds);
}

// The language an item counts in: the one the user set for its show folder, channel or
// podcast, else the provider's; empty when neither is known.
inline std::string countedLanguage(const std::optional<std::string>& chosen,
                                   const std::optional<std::string>& provided) {
  if (chosen) return *chosen;
  return provided.value_or("");
}

// How the items of a group count: their duration and their language ("" when unknown).
struct Counting {
  std::int64_t seconds = 0;
  std::string language;

  friend bool operator==(const Counting&, const Counting&) = default;
};

// Sync-time totals a rebuild keeps: GET /progress asks for the last 8 days at most (the
// trend's week and today, see recentWindowStart); a day more covers any zone.
constexpr std::int64_t kSyncTimeTotalsSeconds = 9 * 24 * 60 * 60;

// One watched item as the totals see it.
struct TalliedItem {
  ItemKind kind = ItemKind::kEpisode;
  std::int64_t timestamp = 0;  // epoch seconds
  std::string group;           // folder name, channel id or podcast id; empty for movies
  std::int64_t seconds = 0;    // its duration; an episode's is episodeSeconds(its show's runtime)
  std::string language;        // countedLanguage: "" when unknown
};

// Items and their summed durations.
struct Tally {
  std::int64_t items = 0;
  std::int64_t seconds = 0;

  friend bool operator==(const Tally&, const Tally&) = default;
};

// Which sync-time totals to produce: none (a store that reads recent items directly), or
// those at or after `since`.
struct SyncTimes {
  bool kept = false;
  std::int64_t since = std::numeric_limits<std::int64_t>::min();

  static SyncTimes none() { return {}; }
  static SyncTimes all() { return {true}; }
  static SyncTimes after(std::int64_t since) { return {true, since}; }
};

// The key of a per-day total.
struct DayKey {
  LocalDay day = 0;
  ItemKind kind = ItemKind::kEpisode;
  std::string language;  // "" when unknown

  friend auto operator<=>(const DayKey&, const DayKey&) = default;
};

// A change to a user's totals: amounts to add (a rebuild's are the totals themselves, added to
// nothing). Ordered maps, so stores write in a stable order.
struct TotalsDelta {
  std::map<DayKey, Tally> days;
  std::map<std::pair<std::int64_t, ItemKind>, Tally> sync_times;
  std::map<std::pair<ItemKind, std::string>, std::int64_t> groups;
  // The earliest timestamp among the items counted; the totals keep the minimum.
  std::optional<std::int64_t> first_timestamp;

  bool empty() const { return days.empty() && sync_times.empty() && groups.empty(); }
  // Adds `other` into this one, dropping entries that come to nothing.
  void merge(const TotalsDelta& other);

  friend bool operator==(const TotalsDelta&, const TotalsDelta&) = default;
};

// Sums items one at a time, so a rebuild over a long history needs no list of every item.
class TotalsBuilder {
 public:
  TotalsBuilder(const DayRule& days, SyncTimes sync_times) : days_(days), sync_times_(sync_times) {}

  void add(ItemKind kind, std::int64_t timestamp, std::string_view group, std::int64_t seconds,
           std::string_view language);
  void add(const TalliedItem& item) {
    add(item.kind, item.timestamp, item.group, item.seconds, item.language);
  }
  TotalsDelta take() { return std::move(delta_); }

 private:
  DayRule days_;
  SyncTimes sync_times_;
  TotalsDelta delta_;
};

// What recording `items` adds to the totals, in `zone`: a sync's new items (they share one
// timestamp, but need not) or, for a rebuild or a change of zone, every item of the user.
TotalsDelta tally(std::span<const TalliedItem> items, const DayRule& days, SyncTimes sync_times);

// What counting a group's items (of `kind`, watched at `timestamps`) as `after` instead of
// `before` changes: tagging a show with another TVDB series (runtime and language), or the user
// choosing a folder's language. The days move the items from one language to the other and
// correct their seconds; sync times (which keep no language) get the seconds. Item counts per
// group and the first timestamp stay. Nothing when `before == after`.
TotalsDelta recount(std::span<const std::int64_t> timestamps, ItemKind kind, const Counting& before,
                    const Counting& after, const DayRule& days, SyncTimes sync_times);

// The sync times a rebuild keeps: those of the last kSyncTimeTotalsSeconds before the latest
// item (not this machine's clock, which keeps every time that can still be asked for).
SyncTimes recentSyncTimes(std::span<const TalliedItem> items);

}  // namespace it::domain
