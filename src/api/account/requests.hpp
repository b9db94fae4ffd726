#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/failure.hpp"

namespace it::api::account {

// Decoding and validation of the account endpoints' bodies. A bad body is a kInvalidRequest
// failure (a 400) saying what is wrong, and nothing is changed.

// PUT /api/me/time_zone {"time_zone": "Asia/Tokyo"}: a tz database name, or null for the
// server's default zone (an empty optional).
Result<std::optional<std::string>> parseTimeZone(std::string_view body);

// PUT /api/me/language {"language": "ja"}: a BCP 47 primary tag (lower-cased), or null for
// none.
Result<std::optional<std::string>> parseLanguage(std::string_view body);

// PUT /api/me/goal {"daily_minutes": 60}: 0 to 1440 minutes a day; 0, null or absent ({}) for
// no goal.
Result<std::int64_t> parseDailyGoal(std::string_view body);

// PUT /api/me/day_start {"hour": 4}: the hour (0-23) at which the user's day begins.
Result<int> parseDayStart(std::string_view body);

struct PasswordChange {
  std::string current_password;
  std::string new_password;
};
// PUT /api/me/password {"current_password", "new_password"}
Result<PasswordChange> parsePasswordChange(std::string_view body);

// POST /api/tokens {"name"}: what the token is for, 1-100 bytes of UTF-8.
Result<std::string> parseTokenName(std::string_view body);

struct NewUser {
  std::string username;
  std::string password;
  bool is_admin = false;
};
// POST /api/users {"username", "password", "is_admin" (optional, false)}
Result<NewUser> parseNewUser(std::string_view body);

}  // namespace it::api::account
