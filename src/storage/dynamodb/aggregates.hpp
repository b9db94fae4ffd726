#pragma once

// The per-user aggregates of DynamoDbStore (the IT#TOTALS#<user> partition, see
// dynamodb_store.hpp) written from the ledger's changes (domain/totals.hpp). Shared by the
// files of DynamoDbStore; not part of its interface.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/totals.hpp"
#include "storage/dynamodb/table_ops.hpp"

namespace it::storage::dynamodb {

// The aggregates' TOTALS item, or nothing.
std::optional<json::object> readTotals(TableOps& ops, const std::string& table,
                                       const std::string& totals_pk);

// What the aggregates hold, as a number on the TOTALS item: aggregates of another layout (an
// older server's) are rebuilt before they are read. 2: groups and movies carry artwork. 3: days
// are kept per language.
constexpr std::int64_t kAggregatesLayout = 3;

// The languages the user chose, by (kind, group).
std::map<std::pair<domain::ItemKind, std::string>, std::string> readLanguageChoices(
    TableOps& ops, const std::string& table, std::string_view username);

// Whether the aggregates of this TOTALS item can be read and added to in `zone_name`.
bool aggregatesCurrent(const std::optional<json::object>& totals, const std::string& zone_name);

// The aggregate item that lists the MOVIE item `movie` by name for GET /progress. The original
// names its movies from TMDB now (tmdb_name, tmdb_image), from TVDB before (tvdb_*).
json::object movieNameItem(const std::string& totals_pk, const json::object& movie);

// What GET /progress shows of a channel or a podcast besides its count.
struct GroupLabel {
  std::string title;
  std::optional<std::string> artwork_url;
};

// TransactWriteItems "Update" actions that add `delta` to the aggregates in `totals_pk`: items
// and seconds per day and per sync time (seconds alone where the item counts do not change),
// items per group. A group whose id is in `labels` gets that title (a channel's or podcast's
// name) where it has none yet, and its artwork when known. The first timestamp is left to the
// caller.
std::vector<json::object> aggregateUpdates(const std::string& table, const std::string& totals_pk,
                                           const domain::TotalsDelta& delta,
                                           const std::map<std::string, GroupLabel>& labels);

// Rebuilds the user's aggregates from their items, by `days` (recorded as `zone_name`, a
// Calendar::key()), under generation counting on
// the TOTALS item: writers still counting in the old aggregates fail their condition on the
// zone from the start, and of two rebuilds at once the later one's result stands. The caller
// holds the user's write lease.
void rebuildAggregates(TableOps& ops, const std::string& table, const std::string& username,
                       const std::string& zone_name, const domain::DayRule& days);

}  // namespace it::storage::dynamodb
