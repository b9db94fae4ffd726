#include "storage/sqlite/totals.hpp"

namespace it::storage::sqlite {
namespace {

using domain::ItemKind;

void addToDay(Connection& db, std::string_view username, const domain::DayKey& key,
              const domain::Tally& tally) {
  db.prepare(
        "INSERT INTO daily_totals (username, day, kind, language, items, seconds) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (username, day, kind, language) DO UPDATE "
        "SET items = items + excluded.items, seconds = seconds + excluded.seconds")
      .bind(1, username)
      .bind(2, std::int64_t{key.day})
      .bind(3, std::int64_t{static_cast<int>(key.kind)})
      .bind(4, key.language)
      .bind(5, tally.items)
      .bind(6, tally.seconds)
      .run();
}

void addToGroup(Connection& db, std::string_view username, ItemKind kind, std::string_view group,
                std::int64_t items) {
  db.prepare(
        "INSERT INTO group_totals (username, kind, grp, items) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (username, kind, grp) DO UPDATE SET items = items + excluded.items")
      .bind(1, username)
      .bind(2, std::int64_t{static_cast<int>(kind)})
      .bind(3, group)
      .bind(4, items)
      .run();
}

}  // namespace

void applyTotals(Connection& db, std::string_view username, const domain::TotalsDelta& delta) {
  bool moved = false;  // items counted in another language leave a row behind
  for (const auto& [key, sum] : delta.days) {
    addToDay(db, username, key, sum);
    moved = moved || sum.items < 0;
  }
  if (moved) {
    db.prepare("DELETE FROM daily_totals WHERE username = ?1 AND items = 0 AND seconds = 0")
        .bind(1, username)
        .run();
  }
  for (const auto& [key, items] : delta.groups) {
    addToGroup(db, username, key.first, key.second, items);
  }
}

void rebuildTotals(Connection& db, std::string_view username, const Calendar& calendar) {
  db.prepare("DELETE FROM daily_totals WHERE username = ?1").bind(1, username).run();
  db.prepare("DELETE FROM group_totals WHERE username = ?1").bind(1, username).run();
  domain::TotalsBuilder totals(calendar.days(), domain::SyncTimes::none());
  forEachItem(
      db, username, std::nullopt,
      [&](ItemKind kind, std::int64_t timestamp, const std::string& group, std::int64_t seconds,
          const std::string& language) { totals.add(kind, timestamp, group, seconds, language); });
  applyTotals(db, username, totals.take());
  db.prepare(
        "INSERT INTO daily_totals_zone (username, zone) VALUES (?1, ?2) "
        "ON CONFLICT (username) DO UPDATE SET zone = excluded.zone")
      .bind(1, username)
      .bind(2, calendar.key())
      .run();
}

std::optional<std::string> totalsZone(Connection& db, std::string_view username) {
  auto s = db.prepare("SELECT zone FROM daily_totals_zone WHERE username = ?1");
  s.bind(1, username);
  if (!s.step()) return std::nullopt;
  return s.columnText(0);
}

void ensureTotalsZone(Connection& db, std::string_view username, const Calendar& calendar) {
  if (totalsZone(db, username) != calendar.key()) rebuildTotals(db, username, calendar);
}

bool hasItems(Connection& db, std::string_view username) {
  for (const char* table : kItemTables) {
    auto s = db.prepare(std::string("SELECT 1 FROM ") + table + " WHERE username = ?1 LIMIT 1");
    s.bind(1, username);
    if (s.step()) return true;
  }
  return false;
}

}  // namespace it::storage::sqlite
