#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "service/calendars.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"

namespace boost::json {
class object;
}

namespace it::api::exports {

// GET /api/export: everything of one user's, written a page at a time so that a history of any
// length costs one page of memory. Two formats:
//
// JSON, one document (kExportFormat, version kExportVersion; the README documents it):
//   {"format", "version", "exported_at", "user": {username and settings}, "tv_progress": [...],
//    "shows": [...], "channels": [...], "podcasts": [...], "language_choices": [...],
//    "items": [...], "logs": [...]}
// CSV, one row per synced item or log: date,kind,medium,title,minutes,amount,unit,language.
//
// `export --all` (an operator's, from the store) writes one JSON document per user, each on one
// line, with two more members after "user": "account" ({password_hash, admin, created_at}) and
// "tokens" ([{id, label, created_at, hash}]), so that `import --all` can recreate the user with
// their password and tokens in another store.
//
// Pages are read one after the other, not in one snapshot: what is written during an export
// may or may not be in it.

inline constexpr std::string_view kExportFormat = "immersion-tracker-export";
inline constexpr std::int64_t kExportVersion = 1;

enum class ExportFormat { kJson, kCsv };

// Whether a JSON export holds the user's account (password hash, tokens) too.
enum class ExportScope { kData, kDataAndAccount };

// Items or logs read per piece.
inline constexpr std::size_t kExportPageSize = 500;

class ExportDocument {
 public:
  ExportDocument(storage::Store& store, const service::Calendars& calendars, const Clock& clock,
                 std::string username, ExportFormat format, ExportScope scope = ExportScope::kData);
  ExportDocument(const ExportDocument&) = delete;
  ExportDocument& operator=(const ExportDocument&) = delete;
  ~ExportDocument();

  // The next piece of the document, or nothing after the last. Reads the store (blocks);
  // throws StoreError when it cannot.
  std::optional<std::string> next();

 private:
  struct State;
  std::string head();
  void addAccount(boost::json::object& doc);
  std::string itemPage();
  std::string logPage();

  storage::Store& store_;
  const service::Calendars& calendars_;
  const Clock& clock_;
  std::string username_;
  ExportFormat format_;
  ExportScope scope_;
  std::unique_ptr<State> state_;
};

// A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break
// (quotes doubled); text a spreadsheet would run as a formula (=, +, -, @ first) is prefixed
// with an apostrophe.
std::string csvField(std::string_view text);

}  // namespace it::api::exports
