#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "domain/logs.hpp"
#include "storage/log_store.hpp"
#include "util/failure.hpp"

namespace it::api::logs {

// Decoding of the manual logs' requests. A bad one is a kInvalidRequest failure (a 400) that
// names the field, and nothing is written.

// POST /api/logs: {"medium", "minutes", "title"?, "amount"?, "unit"?, "language"?, "date"?,
// "note"?}. medium and minutes are required; any other member is refused.
Result<domain::LogChange> parseNewLog(std::string_view body);
// The members of a log's JSON object as a change (what POST and PATCH decode, and an import
// reads): any of medium, minutes, title, amount, unit, language, date, note; null clears the
// optional ones; any other member is refused.
Result<domain::LogChange> decodeLogFields(const boost::json::object& document);
// PATCH /api/logs/{id}: any of the same members, at least one; null clears title, amount,
// unit, language and note.
Result<domain::LogChange> parseLogChange(std::string_view body);

// The Idempotency-Key header: 1-255 visible ASCII characters; nothing when absent.
Result<std::optional<std::string>> parseIdempotencyKey(std::optional<std::string_view> header);

// GET /api/logs's query: from, to (YYYY-MM-DD), limit (1-500, default 50), cursor (from an
// earlier page's next_cursor), order ("date", the default, or "created").
struct LogListParameters {
  std::optional<std::string_view> from;
  std::optional<std::string_view> to;
  std::optional<std::string_view> limit;
  std::optional<std::string_view> cursor;
  std::optional<std::string_view> order;
};
Result<storage::LogQuery> parseLogQuery(const LogListParameters& parameters);

// The cursor that continues a listing after `last`.
std::string nextCursor(const storage::LogQuery& query, const domain::ImmersionLog& last);

inline constexpr std::size_t kMaxLogsPerPage = 500;

}  // namespace it::api::logs
