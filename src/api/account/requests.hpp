#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/progress.hpp"
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

// PUT /api/languages {"kind": "show" | "channel" | "podcast", "id": "...", "language": "ja"}:
// the language of a show folder (by its name), a YouTube channel or a Spotify podcast (by id);
// null forgets the choice, so the providers' languages count again.
struct LanguageChoiceRequest {
  domain::ItemKind kind = domain::ItemKind::kEpisode;
  std::string group;                    // 1-1024 bytes of UTF-8
  std::optional<std::string> language;  // a languageTag
};
Result<LanguageChoiceRequest> parseLanguageChoice(std::string_view body);
// "show", "channel" or "podcast": how the API names the groups of episodes, videos and
// Spotify episodes.
std::string_view groupKindName(domain::ItemKind kind);

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
