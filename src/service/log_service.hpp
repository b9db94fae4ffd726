#pragma once

#include <string_view>

#include "domain/logs.hpp"
#include "service/calendars.hpp"
#include "storage/log_store.hpp"
#include "util/clock.hpp"
#include "util/failure.hpp"

namespace it::service {

// A user's manual logs: recording one with its defaults (today, the user's language), reading,
// listing, changing and removing them. Blocking (store round trips); throws StoreError when the
// store fails. Another user's log is as good as none: kNotFound. Thread-safe.
class LogService {
 public:
  LogService(storage::LogStore& store, const Clock& clock, const Calendars& calendars)
      : store_(store), clock_(clock), calendars_(calendars) {}

  // Records a log of `fields` (medium and minutes given; date defaults to today in the user's
  // calendar and language to theirs). kInvalidRequest for a date after today or an amount
  // without a unit. With an idempotency key the user used before, the log recorded then.
  Result<storage::AddedLog> add(std::string_view username, const domain::LogChange& fields,
                                std::string_view idempotency_key);
  Result<domain::ImmersionLog> find(std::string_view username, std::string_view id);
  storage::LogPage list(std::string_view username, const storage::LogQuery& query);
  // Changes the fields `change` gives; the result is checked as a new log is.
  Result<domain::ImmersionLog> change(std::string_view username, std::string_view id,
                                      const domain::LogChange& change);
  // Removes the log; kNotFound when there is none.
  Result<domain::ImmersionLog> remove(std::string_view username, std::string_view id);

 private:
  // Today in the user's calendar.
  domain::LocalDay today(const UserCalendar& user) const;
  // What is wrong with `log` as a whole, as a failure; its date is checked when `date_given`.
  Result<void> check(const domain::ImmersionLog& log, const UserCalendar& user,
                     bool date_given) const;

  storage::LogStore& store_;
  const Clock& clock_;
  const Calendars& calendars_;
};

}  // namespace it::service
