#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/logs.hpp"
#include "storage/store_error.hpp"

namespace it::storage {

// Which of a user's logs to list, and in what order.
struct LogQuery {
  enum class Order {
    kDate,     // newest date first, then newest created (GET /api/logs)
    kCreated,  // newest created first (undoing the last log)
  };
  Order order = Order::kDate;
  std::optional<domain::LocalDay> from;  // dates from, inclusive
  std::optional<domain::LocalDay> to;    // dates to, inclusive
  std::size_t limit = 50;
  // Keyset paging: the last log of the page before (its date and id; kCreated uses the id).
  std::optional<domain::LocalDay> after_date;
  std::optional<std::string> after_id;
};

struct LogPage {
  std::vector<domain::ImmersionLog> logs;
  bool more = false;  // further logs match
};

// The log a POST recorded, or found already recorded under its idempotency key.
struct AddedLog {
  domain::ImmersionLog log;
  bool replayed = false;
};

// Users' manual logs, with their totals (domain::LogTotals: per (date, medium, language), per
// (medium, language) and per date, changed as domain::logTotals says) kept in the same write
// as each log. Synchronous: every write has committed (durable) when it
// returns. Implementations are thread-safe; they throw StoreError when they cannot read or
// write.
class LogStore {
 public:
  virtual ~LogStore() = default;

  // Records `log` (id, created_at and revision set), unless `idempotency_key` is not empty and
  // the user has a log recorded under it: that one is returned instead, and nothing changes.
  virtual AddedLog addLog(std::string_view username, const domain::ImmersionLog& log,
                          std::string_view idempotency_key) = 0;
  virtual std::optional<domain::ImmersionLog> findLog(std::string_view username,
                                                      std::string_view id) = 0;
  virtual LogPage listLogs(std::string_view username, const LogQuery& query) = 0;
  // Replaces the user's log `before` by `after` (same id, revision one more) only if it is
  // still at before.revision; false when it has changed or gone meanwhile (read it again).
  virtual bool replaceLog(std::string_view username, const domain::ImmersionLog& before,
                          const domain::ImmersionLog& after) = 0;
  // Removes the user's log `log` only if it is still at log.revision; false otherwise.
  virtual bool removeLog(std::string_view username, const domain::ImmersionLog& log) = 0;

  // The user's log totals: the (date, medium, language) rows of [from, to] and, with
  // `all_time`, the totals per (medium, language) and per date. Reads O(rows asked for), never
  // the logs.
  virtual domain::LogTotals logTotals(std::string_view username, domain::LocalDay from,
                                      domain::LocalDay to, bool all_time) = 0;
};

}  // namespace it::storage
