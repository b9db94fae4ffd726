// SqliteStore: manual logs and their totals (schema in migration 6 of schema.cpp).

#include <limits>
#include <string>

#include "domain/logs.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace it::storage::sqlite {
namespace {

using domain::ImmersionLog;

constexpr const char* kLogColumns =
    "SELECT id, date, medium, minutes, title, amount, unit, language, note, created_at, revision "
    "FROM logs ";

ImmersionLog readLog(Statement& s) {
  ImmersionLog log;
  log.id = s.columnText(0);
  log.date = static_cast<domain::LocalDay>(s.columnInt(1));
  log.medium = domain::mediumNamed(s.columnText(2)).value_or(domain::Medium::kOther);
  log.minutes = s.columnInt(3);
  log.title = s.columnOptionalText(4);
  log.amount = s.columnOptionalInt(5);
  if (auto unit = s.columnOptionalText(6)) log.unit = domain::unitNamed(*unit);
  log.language = s.columnOptionalText(7);
  log.note = s.columnOptionalText(8);
  log.created_at = s.columnInt(9);
  log.revision = s.columnInt(10);
  return log;
}

std::optional<std::string> unitText(const ImmersionLog& log) {
  if (!log.unit) return std::nullopt;
  return std::string(domain::unitName(*log.unit));
}

// Binds the user (?1), the log's id (?2) and its fields (?3 date to ?10 note), as the INSERT
// and the UPDATE below number them.
Statement& bindLog(Statement& s, std::string_view username, const ImmersionLog& log) {
  return s.bind(1, username)
      .bind(2, log.id)
      .bind(3, std::int64_t{log.date})
      .bind(4, domain::mediumName(log.medium))
      .bind(5, log.minutes)
      .bindOptional(6, log.title)
      .bindOptional(7, log.amount)
      .bindOptional(8, unitText(log))
      .bindOptional(9, log.language)
      .bindOptional(10, log.note);
}

std::optional<ImmersionLog> selectLog(Connection& db, std::string_view username,
                                      std::string_view id) {
  auto s = db.prepare(std::string(kLogColumns) + "WHERE username = ?1 AND id = ?2");
  s.bind(1, username).bind(2, id);
  if (!s.step()) return std::nullopt;
  return readLog(s);
}

// The three totals of logs (schema.cpp, migration 6), each as the statement that adds to a row
// and the one that drops a row come to nothing. Parameters: ?1 user, ?2 day, ?3 medium,
// ?4 language ('' when unknown), ?5 minutes, ?6 logs; each table keys on some of them, and
// every statement names ?6, so that all six can be bound to each.
struct LogTotalsTable {
  const char* add;
  const char* drop;
};
constexpr LogTotalsTable kLogTotalsTables[] = {
    {"INSERT INTO log_totals (username, day, medium, language, minutes, logs) "
     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (username, day, medium, language) "
     "DO UPDATE SET minutes = minutes + excluded.minutes, logs = logs + excluded.logs",
     "DELETE FROM log_totals WHERE username = ?1 AND day = ?2 AND medium = ?3 AND language = ?4 "
     "AND logs = 0 AND ?6 < 0"},
    {"INSERT INTO log_share_totals (username, medium, language, minutes, logs) "
     "VALUES (?1, ?3, ?4, ?5, ?6) ON CONFLICT (username, medium, language) "
     "DO UPDATE SET minutes = minutes + excluded.minutes, logs = logs + excluded.logs",
     "DELETE FROM log_share_totals WHERE username = ?1 AND medium = ?3 AND language = ?4 "
     "AND logs = 0 AND ?6 < 0"},
    {"INSERT INTO log_date_totals (username, day, minutes, logs) VALUES (?1, ?2, ?5, ?6) "
     "ON CONFLICT (username, day) "
     "DO UPDATE SET minutes = minutes + excluded.minutes, logs = logs + excluded.logs",
     "DELETE FROM log_date_totals WHERE username = ?1 AND day = ?2 AND logs = 0 AND ?6 < 0"},
};

// Runs one of kLogTotalsTables' statements for the (date, medium, language) `key`.
void runForKey(Statement&& s, std::string_view username, const domain::LogTotalsKey& key,
               const domain::LogTally& tally) {
  s.bind(1, username)
      .bind(2, std::int64_t{std::get<0>(key)})
      .bind(3, domain::mediumName(std::get<1>(key)))
      .bind(4, std::get<2>(key))
      .bind(5, tally.minutes)
      .bind(6, tally.logs)
      .run();
}

void applyLogTotals(Connection& db, std::string_view username,
                    const domain::LogTotalsDelta& delta) {
  for (const auto& [key, tally] : delta) {
    for (const auto& table : kLogTotalsTables) {
      runForKey(db.prepare(table.add), username, key, tally);
      // A row that came to nothing is dropped, so the totals stay as small as the logs.
      if (tally.logs < 0) runForKey(db.prepare(table.drop), username, key, tally);
    }
  }
}

// Writes `log`'s fields over the row with its id (the row must exist).
void updateRow(Connection& db, std::string_view username, const ImmersionLog& log) {
  auto s = db.prepare(
      "UPDATE logs SET date = ?3, medium = ?4, minutes = ?5, title = ?6, amount = ?7, "
      "unit = ?8, language = ?9, note = ?10, revision = ?11 WHERE username = ?1 AND id = ?2");
  bindLog(s, username, log).bind(11, log.revision).run();
}

}  // namespace

AddedLog SqliteStore::addLog(std::string_view username, const ImmersionLog& log,
                             std::string_view idempotency_key) {
  AddedLog added{log, false};
  writeAndWait([&](Connection& db) {
    if (!idempotency_key.empty()) {
      auto s =
          db.prepare(std::string(kLogColumns) + "WHERE username = ?1 AND idempotency_key = ?2");
      s.bind(1, username).bind(2, idempotency_key);
      if (s.step()) {
        added = {readLog(s), true};
        return;
      }
    }
    auto insert = db.prepare(
        "INSERT INTO logs (username, id, date, medium, minutes, title, amount, unit, language, "
        "note, created_at, revision, idempotency_key) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULLIF(?13, ''))");
    bindLog(insert, username, log)
        .bind(11, log.created_at)
        .bind(12, log.revision)
        .bind(13, idempotency_key)
        .run();
    applyLogTotals(db, username, domain::logTotals(log, +1));
  });
  return added;
}

std::optional<ImmersionLog> SqliteStore::findLog(std::string_view username, std::string_view id) {
  auto db = reader();
  return selectLog(*db, username, id);
}

domain::LogTotals SqliteStore::logTotals(std::string_view username, domain::LocalDay from,
                                         domain::LocalDay to, bool all_time) {
  auto db = reader();
  ReadTransaction snapshot(*db);  // the three totals as of one commit
  domain::LogTotals totals;
  auto optionalLanguage = [](std::string language) {
    return language.empty() ? std::nullopt : std::optional<std::string>(std::move(language));
  };
  {
    auto s = db->prepare(
        "SELECT day, medium, language, minutes, logs FROM log_totals "
        "WHERE username = ?1 AND day BETWEEN ?2 AND ?3");
    s.bind(1, username).bind(2, std::int64_t{from}).bind(3, std::int64_t{to});
    while (s.step()) {
      auto medium = domain::mediumNamed(s.columnText(1));
      if (!medium) continue;  // written by a newer version that knows more mediums
      totals.days.push_back({static_cast<domain::LocalDay>(s.columnInt(0)), *medium,
                             optionalLanguage(s.columnText(2)), s.columnInt(3), s.columnInt(4)});
    }
  }
  if (!all_time) return totals;
  {
    auto s = db->prepare(
        "SELECT medium, language, minutes, logs FROM log_share_totals WHERE username = ?1");
    s.bind(1, username);
    while (s.step()) {
      auto medium = domain::mediumNamed(s.columnText(0));
      if (!medium) continue;
      totals.shares.push_back(
          {*medium, optionalLanguage(s.columnText(1)), s.columnInt(2), s.columnInt(3)});
    }
  }
  auto s = db->prepare("SELECT day, minutes, logs FROM log_date_totals WHERE username = ?1");
  s.bind(1, username);
  while (s.step()) {
    totals.dates.push_back(
        {static_cast<domain::LocalDay>(s.columnInt(0)), s.columnInt(1), s.columnInt(2)});
  }
  return totals;
}

LogPage SqliteStore::listLogs(std::string_view username, const LogQuery& query) {
  // Keyset paging over logs_by_date (date, id) or the primary key (id): each page is one
  // index range, however deep.
  const bool by_date = query.order == LogQuery::Order::kDate;
  std::string sql = std::string(kLogColumns) + "WHERE username = ?1 AND date BETWEEN ?2 AND ?3";
  if (query.after_id) {
    sql += by_date ? " AND (date, id) < (?4, ?5)" : " AND id < ?5";
  }
  sql += by_date ? " ORDER BY date DESC, id DESC LIMIT ?6" : " ORDER BY id DESC LIMIT ?6";
  auto db = reader();
  auto s = db->prepare(sql);
  s.bind(1, username);
  // Bounds rather than optional conditions, so that the range is an index seek.
  s.bind(2, std::int64_t{query.from.value_or(std::numeric_limits<domain::LocalDay>::min())})
      .bind(3, std::int64_t{query.to.value_or(std::numeric_limits<domain::LocalDay>::max())});
  if (query.after_id) {
    s.bind(4, std::int64_t{query.after_date.value_or(0)}).bind(5, *query.after_id);
  }
  s.bind(6, static_cast<std::int64_t>(query.limit) + 1);
  LogPage page;
  while (s.step()) {
    if (page.logs.size() == query.limit) {
      page.more = true;
      break;
    }
    page.logs.push_back(readLog(s));
  }
  return page;
}

bool SqliteStore::replaceLog(std::string_view username, const ImmersionLog& before,
                             const ImmersionLog& after) {
  bool replaced = false;
  writeAndWait([&](Connection& db) {
    auto current = selectLog(db, username, before.id);
    if (!current || current->revision != before.revision) return;
    updateRow(db, username, after);
    applyLogTotals(db, username, domain::logTotalsChange(*current, after));
    replaced = true;
  });
  return replaced;
}

bool SqliteStore::removeLog(std::string_view username, const ImmersionLog& log) {
  bool removed = false;
  writeAndWait([&](Connection& db) {
    auto current = selectLog(db, username, log.id);
    if (!current || current->revision != log.revision) return;
    db.prepare("DELETE FROM logs WHERE username = ?1 AND id = ?2")
        .bind(1, username)
        .bind(2, log.id)
        .run();
    applyLogTotals(db, username, domain::logTotals(*current, -1));
    removed = true;
  });
  return removed;
}

}  // namespace it::storage::sqlite
