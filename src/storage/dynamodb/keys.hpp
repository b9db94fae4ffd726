#pragma once

// The sort keys of the immersion table (see dynamodb_store.hpp): the original's item keys and
// those of our per-user aggregates. Shared by the files of DynamoDbStore.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/progress.hpp"
#include "domain/time_zone.hpp"
#include "domain/totals.hpp"
#include "storage/dynamodb/table_ops.hpp"

namespace it::storage::dynamodb {

// The aggregates' own item: zone, first_timestamp, generation.
constexpr const char* kTotalsSk = "TOTALS";

// EPISODE, MOVIE, YOUTUBEVIDEO or SPOTIFYEPISODE, as aggregate keys spell a kind.
const char* kindName(domain::ItemKind kind);
std::optional<domain::ItemKind> kindNamed(std::string_view name);

// Sync times as 12 digits, so that sort keys order by time (until the year 33658).
std::string paddedTime(std::int64_t timestamp);

// "DAY#<day>#<KIND>", with "#<language>" when it is known.
std::string daySk(const domain::DayKey& key);
// The key a DAY# sort key stands for; nothing for another sort key.
std::optional<domain::DayKey> dayKeyOf(std::string_view sk);
// "<KIND>#<group>": a language choice's sort key.
std::string languageChoiceSk(domain::ItemKind kind, std::string_view group);
std::string groupSk(domain::ItemKind kind, std::string_view group);
std::string stampSk(std::int64_t timestamp, domain::ItemKind kind);
// A movie in the aggregates, in the order GET /progress lists names: by name (byte order),
// unnamed ones last.
std::string movieNameSk(const std::optional<std::string>& name, std::string_view file);
std::string episodeSk(std::string_view folder, std::string_view file);

// The original's sort key prefixes of a kind's watched items and of their groups.
struct ItemPrefixes {
  domain::ItemKind kind;
  const char* item;
  const char* group;  // nullptr for movies
};
const ItemPrefixes& prefixesOf(domain::ItemKind kind);

bool startsWith(std::string_view text, std::string_view prefix);

// The folder of an episode item: its attribute, else what its sort key says.
std::string folderOf(const json::object& item);

}  // namespace it::storage::dynamodb
