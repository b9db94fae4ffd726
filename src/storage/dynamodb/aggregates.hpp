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

// The aggregate item that lists one movie by name for GET /progress.
json::object movieNameItem(const std::string& totals_pk, const std::optional<std::string>& name,
                           std::string_view file);

// TransactWriteItems "Update" actions that add `delta` to the aggregates in `totals_pk`: items
// and seconds per day and per sync time (seconds alone where the item counts do not change),
// items per group. A group whose id is in `group_titles` gets that title (a channel's or
// podcast's name) where it has none yet. The first timestamp is left to the caller.
std::vector<json::object> aggregateUpdates(const std::string& table, const std::string& totals_pk,
                                           const domain::TotalsDelta& delta,
                                           const std::map<std::string, std::string>& group_titles);

// Rebuilds the user's aggregates from their items, in `zone`, under generation counting on
// the TOTALS item: writers still counting in the old aggregates fail their condition on the
// zone from the start, and of two rebuilds at once the later one's result stands. The caller
// holds the user's write lease.
void rebuildAggregates(TableOps& ops, const std::string& table, const std::string& username,
                       const std::string& zone_name, const date::time_zone& zone);

}  // namespace it::storage::dynamodb
