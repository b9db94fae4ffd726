#include "service/log_service.hpp"

#include <chrono>
#include <cstdint>

#include "util/encoding.hpp"

namespace it::service {
namespace {

// Attempts at a change or removal that a concurrent one keeps overtaking.
constexpr int kWriteAttempts = 5;

Failure noSuchLog() { return Failure{FailureKind::kNotFound, "No such log"}; }

}  // namespace

domain::LocalDay LogService::today(const UserCalendar& user) const {
  return domain::localDayOf(nowSeconds(clock_).time_since_epoch().count(), user.calendar.days());
}

Result<void> LogService::check(const domain::ImmersionLog& log, const UserCalendar& user,
                               bool date_given) const {
  if (auto wrong = domain::logInconsistency(log)) {
    return Result<void>::fail(FailureKind::kInvalidRequest, *wrong);
  }
  if (date_given && log.date > today(user)) {
    return Result<void>::fail(FailureKind::kInvalidRequest,
                              "date must not be in the future (today is " +
                                  domain::formatIsoDate(today(user)) + " in " +
                                  user.calendar.zone_name + ")");
  }
  return Result<void>::success();
}

Result<storage::AddedLog> LogService::add(std::string_view username,
                                          const domain::LogChange& fields,
                                          std::string_view idempotency_key) {
  UserCalendar user = calendars_.withSettings(username);
  domain::ImmersionLog log;
  log.date = today(user);
  log.language = user.settings.language;
  log = domain::withChange(std::move(log), fields);
  if (auto wrong = check(log, user, true); wrong.failure) return *wrong.failure;
  log.created_at =
      std::chrono::duration_cast<std::chrono::microseconds>(clock_.now().time_since_epoch())
          .count();
  std::uint32_t random_bits = 0;
  randomBytes(&random_bits, sizeof random_bits);
  log.id = domain::newLogId(log.created_at, random_bits);
  log.revision = 1;
  return Result<storage::AddedLog>::success(store_.addLog(username, log, idempotency_key));
}

Result<domain::ImmersionLog> LogService::find(std::string_view username, std::string_view id) {
  if (!domain::isLogId(id)) return noSuchLog();
  auto log = store_.findLog(username, id);
  if (!log) return noSuchLog();
  return Result<domain::ImmersionLog>::success(std::move(*log));
}

storage::LogPage LogService::list(std::string_view username, const storage::LogQuery& query) {
  return store_.listLogs(username, query);
}

Result<domain::ImmersionLog> LogService::change(std::string_view username, std::string_view id,
                                                const domain::LogChange& change) {
  UserCalendar user = calendars_.withSettings(username);
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    auto before = find(username, id);
    if (!before) return before.failure;
    domain::ImmersionLog after = domain::withChange(*before, change);
    // A date is checked only when it is changed: a log's own date may be "tomorrow" since the
    // user moved their zone or day start, and its other fields must still be editable.
    if (auto wrong = check(after, user, change.date.has_value()); wrong.failure) {
      return *wrong.failure;
    }
    if (after == *before) return before;  // nothing to write
    after.revision = before->revision + 1;
    if (store_.replaceLog(username, *before, after)) {
      return Result<domain::ImmersionLog>::success(std::move(after));
    }
  }
  throw storage::StoreError("a log keeps being changed by other requests");
}

Result<domain::ImmersionLog> LogService::remove(std::string_view username, std::string_view id) {
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    auto log = find(username, id);
    if (!log) return log.failure;
    if (store_.removeLog(username, *log)) return log;
  }
  throw storage::StoreError("a log keeps being changed by other requests");
}

}  // namespace it::service
