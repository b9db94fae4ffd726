#pragma once

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
