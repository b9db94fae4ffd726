#include "api/account/requests.hpp"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "api/json_body.hpp"
#include "domain/logs.hpp"
#include "domain/names.hpp"
#include "domain/time_zone.hpp"

namespace it::api::account {
namespace {

namespace json = boost::json;

// The longest password taken, as by `user add`: Argon2id reads all of it.
constexpr std::size_t kMaxPasswordBytes = 1024;

// The member `key` of `o` when it is a string; nothing otherwise.
std::optional<std::string> textAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

// A password member: 1-1024 bytes of UTF-8, or the 400 naming `key`.
Result<std::string> passwordAt(const json::object& o, std::string_view key) {
  auto password = textAt(o, key);
  if (!password || password->empty() || password->size() > kMaxPasswordBytes ||
      !domain::isValidUtf8(*password)) {
    return invalidRequest(std::string(key) + " must be a non-empty string of at most 1024 bytes");
  }
  return Result<std::string>::success(std::move(*password));
}

}  // namespace

Result<std::optional<std::string>> parseLanguage(std::string_view body) {
  const std::string shape = R"(Request body must be a JSON object with "language")";
  auto parsed = parseJsonObject(body, shape);
  if (!parsed) return parsed.failure;
  const json::value* language = parsed->if_contains("language");
  if (language == nullptr) return invalidRequest(shape);
  if (language->is_null()) return Result<std::optional<std::string>>::success(std::nullopt);
  auto tag = language->is_string() ? domain::languageTag(language->get_string()) : std::nullopt;
  if (!tag) {
    return invalidRequest(
        "language must be a BCP 47 primary language tag: two or three letters, such as \"ja\", "
        "\"ko\" or \"es\" (or null for none)");
  }
  return Result<std::optional<std::string>>::success(std::move(tag));
}

namespace {

constexpr std::pair<domain::ItemKind, std::string_view> kGroupKinds[] = {
    {domain::ItemKind::kEpisode, "show"},
    {domain::ItemKind::kYoutubeVideo, "channel"},
    {domain::ItemKind::kSpotifyEpisode, "podcast"},
};

// The longest folder name, channel or podcast id taken.
constexpr std::size_t kMaxGroupBytes = 1024;

}  // namespace

std::string_view groupKindName(domain::ItemKind kind) {
  for (const auto& [k, name] : kGroupKinds) {
    if (k == kind) return name;
  }
  return "";
}

Result<LanguageChoiceRequest> parseLanguageChoice(std::string_view body) {
  const std::string shape =
      R"(Request body must be a JSON object with "kind", "id" and "language")";
  auto parsed = parseJsonObject(body, shape);
  if (!parsed) return parsed.failure;
  for (const auto& member : *parsed) {
    if (member.key() != "kind" && member.key() != "id" && member.key() != "language") {
      return invalidRequest("Unknown field " + std::string(member.key()) + ": " + shape);
    }
  }
  LanguageChoiceRequest choice;
  auto kind = textAt(*parsed, "kind");
  const auto* known = kind ? std::find_if(std::begin(kGroupKinds), std::end(kGroupKinds),
                                          [&](const auto& k) { return k.second == *kind; })
                           : std::end(kGroupKinds);
  if (known == std::end(kGroupKinds)) {
    return invalidRequest(R"(kind must be "show", "channel" or "podcast")");
  }
  choice.kind = known->first;
  auto group = textAt(*parsed, "id");
  if (!group || group->empty() || group->size() > kMaxGroupBytes || !domain::isValidUtf8(*group)) {
    return invalidRequest(
        "id must be the show's folder name, the channel's or the podcast's id: a non-empty "
        "string of at most 1024 bytes");
  }
  choice.group = std::move(*group);
  const json::value* language = parsed->if_contains("language");
  if (language == nullptr) return invalidRequest(shape);
  if (!language->is_null()) {
    choice.language =
        language->is_string() ? domain::languageTag(language->get_string()) : std::nullopt;
    if (!choice.language) {
      return invalidRequest(
          "language must be a BCP 47 primary language tag: two or three letters, such as "
          "\"ja\", \"ko\" or \"es\" (or null for the providers' languages)");
    }
  }
  return Result<LanguageChoiceRequest>::success(std::move(choice));
}

Result<std::int64_t> parseDailyGoal(std::string_view body) {
  const std::string shape = R"(Request body must be a JSON object with "daily_minutes")";
  auto parsed = parseJsonObject(body, shape);
  if (!parsed) {
    // {} (no goal) is a valid body here, which parseJsonObject refuses as empty.
    boost::system::error_code ec;
    json::value value = json::parse(body, ec);
    if (!ec && value.is_object() && value.get_object().empty()) {
      return Result<std::int64_t>::success(0);
    }
    return parsed.failure;
  }
  const json::value* minutes = parsed->if_contains("daily_minutes");
  // A misspelt member must not clear the goal: "daily_minutes" is the only one taken.
  if (minutes == nullptr || parsed->size() != 1) return invalidRequest(shape);
  if (minutes->is_null()) return Result<std::int64_t>::success(0);
  std::int64_t value = -1;
  if (minutes->is_int64()) value = minutes->get_int64();
  if (minutes->is_uint64() && minutes->get_uint64() <= 1440) {
    value = static_cast<std::int64_t>(minutes->get_uint64());
  }
  if (value < 0 || value > domain::kMaxLogMinutes) {
    return invalidRequest("daily_minutes must be a whole number from 0 (no goal) to 1440");
  }
  return Result<std::int64_t>::success(value);
}

Result<int> parseDayStart(std::string_view body) {
  const std::string shape = R"(Request body must be a JSON object with "hour")";
  auto parsed = parseJsonObject(body, shape);
  if (!parsed) return parsed.failure;
  const json::value* hour = parsed->if_contains("hour");
  if (hour == nullptr) return invalidRequest(shape);
  if (!hour->is_int64() || hour->get_int64() < 0 || hour->get_int64() > 23) {
    return invalidRequest("hour must be a whole number from 0 (midnight) to 23");
  }
  return Result<int>::success(static_cast<int>(hour->get_int64()));
}

Result<std::optional<std::string>> parseTimeZone(std::string_view body) {
  const std::string shape = R"(Request body must be a JSON object with "time_zone")";
  auto parsed = parseJsonObject(body, shape);
  if (!parsed) return parsed.failure;
  const json::value* zone = parsed->if_contains("time_zone");
  if (zone == nullptr) return invalidRequest(shape);
  if (zone->is_null()) return Result<std::optional<std::string>>::success(std::nullopt);
  if (!zone->is_string() || zone->get_string().size() > 64 ||
      domain::findTimeZone(zone->get_string()) == nullptr) {
    return invalidRequest(
        "time_zone must be a tz database name such as Asia/Tokyo or Europe/Berlin (or null for "
        "the server's default)");
  }
  return Result<std::optional<std::string>>::success(std::string(zone->get_string()));
}

Result<PasswordChange> parsePasswordChange(std::string_view body) {
  auto parsed = parseJsonObject(
      body, R"(Request body must be a JSON object with "current_password" and "new_password")");
  if (!parsed) return parsed.failure;
  auto current = passwordAt(*parsed, "current_password");
  if (!current) return current.failure;
  auto fresh = passwordAt(*parsed, "new_password");
  if (!fresh) return fresh.failure;
  return Result<PasswordChange>::success({std::move(*current), std::move(*fresh)});
}

Result<std::string> parseTokenName(std::string_view body) {
  auto parsed = parseJsonObject(body, R"(Request body must be a JSON object with "name")");
  if (!parsed) return parsed.failure;
  auto name = textAt(*parsed, "name");
  if (!name || name->empty() || name->size() > 100 || !domain::isValidUtf8(*name)) {
    return invalidRequest("name must be a non-empty string of at most 100 bytes");
  }
  return Result<std::string>::success(std::move(*name));
}

Result<NewUser> parseNewUser(std::string_view body) {
  auto parsed = parseJsonObject(
      body, R"(Request body must be a JSON object with "username", "password" and "is_admin")");
  if (!parsed) return parsed.failure;
  NewUser user;
  auto name = textAt(*parsed, "username");
  if (!name || !domain::isValidUsername(*name)) {
    return invalidRequest("username must be 1-64 letters, digits, '_', '-' or '.'");
  }
  user.username = std::move(*name);
  auto password = passwordAt(*parsed, "password");
  if (!password) return password.failure;
  user.password = std::move(*password);
  if (const json::value* admin = parsed->if_contains("is_admin"); admin != nullptr) {
    if (!admin->is_bool()) return invalidRequest("is_admin must be true or false");
    user.is_admin = admin->get_bool();
  }
  return Result<NewUser>::success(std::move(user));
}

}  // namespace it::api::account
