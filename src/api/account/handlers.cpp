#include "api/account/handlers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/account/requests.hpp"
#include "api/json_body.hpp"
#include "auth/passwords.hpp"
#include "domain/names.hpp"
#include "http/responses.hpp"
#include "http/session_cookie.hpp"
#include "util/encoding.hpp"
#include "util/time_format.hpp"

namespace it::api::account {
namespace {

namespace json = boost::json;
using http::errorResponse;
using http::jsonResponse;
using http::noContent;
using http::Request;
using http::Respond;
using http::Response;

// The user's settings: the zone their progress is counted in (and whether it is the server's
// default), their language, daily goal and the hour their day begins.
json::object settingsJson(const Dependencies& deps, const std::string& username) {
  service::UserCalendar user = deps.calendars.withSettings(username);
  const storage::UserSettings& s = user.settings;
  return {{"time_zone", user.calendar.zone_name},
          {"time_zone_is_default", !s.time_zone.has_value()},
          {"language", jsonOrNull(s.language)},
          {"daily_goal_minutes", s.daily_goal_minutes},
          {"day_start_hour", s.day_start_hour}};
}

// Changes the caller's settings and answers with all of them.
void changeSettings(const Dependencies& deps, const std::string& username,
                    const storage::SettingsChange& change, const Respond& respond) {
  if (!deps.store.changeUserSettings(username, change)) {
    return respond(errorResponse(404, "No such user"));
  }
  respond(jsonResponse(200, settingsJson(deps, username)));
}

json::object providersJson(const providers::ConfiguredProviders& c) {
  return {{"tvdb", c.tvdb},
          {"tmdb", c.tmdb},
          {"youtube", c.youtube},
          {"spotify", c.spotify},
          {"movie_database", c.movieDatabase()}};
}

json::object tokenJson(const storage::TokenInfo& t) {
  return {{"id", t.id}, {"name", t.label}, {"created_at", t.created_at}};
}

json::object userJson(const Dependencies& deps, const storage::UserRecord& u) {
  return {{"username", u.name},
          {"is_admin", u.admin},
          {"created_at", u.created_at},
          {"time_zone", jsonOrNull(deps.store.userTimeZone(u.name))}};
}

// ---- sessions -----------------------------------------------------------------------------

// Starts a session for `username`: its cookie, to send with the answer.
std::string startSession(const Dependencies& deps, const Request& req,
                         const std::string& username) {
  std::string id = auth::newSessionId();
  std::int64_t now = service::nowSeconds(deps.clock).time_since_epoch().count();
  deps.store.addSession(auth::tokenHash(id), username, now + auth::kSessionLifetime.count(), now);
  return http::sessionCookieHeader(id, auth::kSessionLifetime,
                                   http::servedOverHttps(req, deps.secure_cookies));
}

// The session of a request authenticated by its cookie (not by a header), if it is one.
std::optional<std::string> cookieSession(const Request& req) {
  if (req.header("authorization")) return std::nullopt;
  return http::sessionCookie(req);
}

// The router has checked the body's credentials as it checks a Basic login (Access::kSignIn):
// the same throttling, the slowdown of repeated failures, a 401 without a Basic challenge.
void postSession(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  Response signed_in = noContent();
  signed_in.headers.emplace_back("Set-Cookie", startSession(deps, req, caller.username));
  respond(std::move(signed_in));
}

void deleteSession(const Dependencies& deps, const Request& req, const auth::Principal&,
                   const Respond& respond) {
  if (auto id = cookieSession(req)) deps.store.removeSession(auth::tokenHash(*id));
  Response signed_out = noContent();
  signed_out.headers.emplace_back(
      "Set-Cookie",
      http::clearedSessionCookieHeader(http::servedOverHttps(req, deps.secure_cookies)));
  respond(std::move(signed_out));
}

// ---- the caller ---------------------------------------------------------------------------

void getMe(const Dependencies& deps, const Request&, const auth::Principal& caller,
           const Respond& respond) {
  json::object body{{"username", caller.username}, {"is_admin", caller.admin}};
  for (auto& [key, value] : settingsJson(deps, caller.username)) body.emplace(key, value);
  body.emplace("providers", providersJson(deps.configured));
  respond(jsonResponse(200, body));
}

void getProviders(const Dependencies& deps, const Request&, const auth::Principal&,
                  const Respond& respond) {
  respond(jsonResponse(200, providersJson(deps.configured)));
}

void putTimeZone(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  auto zone = parseTimeZone(req.body);
  if (!zone) return respond(http::failureResponse(zone.failure));
  // Null clears the user's own zone: the server's default applies again.
  changeSettings(deps, caller.username, {.time_zone = *zone}, respond);
}

void putLanguage(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  auto language = parseLanguage(req.body);
  if (!language) return respond(http::failureResponse(language.failure));
  changeSettings(deps, caller.username, {.language = *language}, respond);
}

json::object languageChoiceJson(domain::ItemKind kind, const std::string& group,
                                const std::optional<std::string>& language) {
  return {{"kind", groupKindName(kind)}, {"id", group}, {"language", jsonOrNull(language)}};
}

void getLanguages(const Dependencies& deps, const Request&, const auth::Principal& caller,
                  const Respond& respond) {
  json::array choices;
  for (const auto& c : deps.store.languageChoices(caller.username)) {
    choices.push_back(languageChoiceJson(c.kind, c.group, c.language));
  }
  respond(jsonResponse(200, {{"languages", std::move(choices)}}));
}

// Past items of the group are counted in the new language before the answer.
void putLanguageChoice(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                       const Respond& respond) {
  auto choice = parseLanguageChoice(req.body);
  if (!choice) return respond(http::failureResponse(choice.failure));
  deps.store.chooseLanguage(caller.username, choice->kind, choice->group, choice->language);
  respond(jsonResponse(200, languageChoiceJson(choice->kind, choice->group, choice->language)));
}

void putGoal(const Dependencies& deps, const Request& req, const auth::Principal& caller,
             const Respond& respond) {
  auto minutes = parseDailyGoal(req.body);
  if (!minutes) return respond(http::failureResponse(minutes.failure));
  changeSettings(deps, caller.username, {.daily_goal_minutes = *minutes}, respond);
}

void putDayStart(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  auto hour = parseDayStart(req.body);
  if (!hour) return respond(http::failureResponse(hour.failure));
  changeSettings(deps, caller.username, {.day_start_hour = *hour}, respond);
}

// Runs on the password pool: two Argon2id runs.
void putPassword(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  auto change = parsePasswordChange(req.body);
  if (!change) return respond(http::failureResponse(change.failure));
  // Checked as a login is, so guesses made through a stolen session or token are slowed down
  // and throttled like any others.
  auth::AuthResult current = deps.authenticator.verify(
      "Basic " + base64Encode(caller.username + ":" + change->current_password),
      req.client_address);
  if (current.outcome == auth::AuthOutcome::kThrottled) {
    return respond(http::throttledResponse(current.delay));
  }
  if (current.outcome != auth::AuthOutcome::kAuthenticated) {
    Response wrong = errorResponse(403, "current_password is not the current password");
    wrong.delay = current.delay;
    return respond(std::move(wrong));
  }
  // Every session of the user ends with the old password...
  if (!deps.store.setPasswordHash(caller.username, auth::hashPassword(change->new_password))) {
    return respond(errorResponse(404, "No such user"));
  }
  Response changed = noContent();
  // ...but the browser that changed it stays signed in, with a new session.
  if (cookieSession(req)) {
    changed.headers.emplace_back("Set-Cookie", startSession(deps, req, caller.username));
  }
  respond(std::move(changed));
}

// ---- API tokens ---------------------------------------------------------------------------

void getTokens(const Dependencies& deps, const Request&, const auth::Principal& caller,
               const Respond& respond) {
  json::array tokens;
  for (const auto& t : deps.store.listTokens(caller.username)) tokens.push_back(tokenJson(t));
  respond(jsonResponse(200, json::object{{"tokens", std::move(tokens)}}));
}

void postToken(const Dependencies& deps, const Request& req, const auth::Principal& caller,
               const Respond& respond) {
  auto name = parseTokenName(req.body);
  if (!name) return respond(http::failureResponse(name.failure));
  auth::NewToken t = auth::generateToken();
  storage::TokenInfo info{t.id, caller.username, *name, formatUtcMicros(deps.clock.now())};
  deps.store.addToken(info, t.hash);
  json::object body = tokenJson(info);
  body.emplace("token", t.token);  // shown this once; only its hash is kept
  respond(jsonResponse(201, body));
}

void deleteToken(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                 const Respond& respond) {
  std::string_view id = req.lastSegment();
  // An empty id would revoke every token of the caller.
  if (id.empty() || deps.store.revokeTokens(caller.username, id) == 0) {
    return respond(errorResponse(404, "No such token"));
  }
  respond(noContent());
}

// ---- users (admins) -----------------------------------------------------------------------

void getUsers(const Dependencies& deps, const Request&, const auth::Principal&,
              const Respond& respond) {
  json::array users;
  for (const auto& u : deps.store.listUsers()) users.push_back(userJson(deps, u));
  respond(jsonResponse(200, json::object{{"users", std::move(users)}}));
}

// Runs on the password pool: an Argon2id run.
void postUser(const Dependencies& deps, const Request& req, const auth::Principal&,
              const Respond& respond) {
  auto user = parseNewUser(req.body);
  if (!user) return respond(http::failureResponse(user.failure));
  storage::UserRecord record{user->username, auth::hashPassword(user->password), user->is_admin,
                             formatUtcMicros(deps.clock.now())};
  if (!deps.store.addUser(record)) {
    return respond(errorResponse(409, "A user named " + user->username + " already exists"));
  }
  respond(jsonResponse(201, userJson(deps, record)));
}

void deleteUser(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                const Respond& respond) {
  std::string name(req.lastSegment());
  if (name == caller.username) {
    // An admin locking themselves out by mistake; `user remove` on the server still can.
    return respond(errorResponse(400, "You cannot remove yourself"));
  }
  if (!domain::isValidUsername(name) || !deps.store.removeUser(name)) {
    return respond(errorResponse(404, "No such user"));
  }
  respond(noContent());
}

}  // namespace

std::vector<http::Route> routes(const Dependencies& deps) {
  using http::Access;
  using http::Execution;
  using http::Method;
  using Endpoint =
      void (*)(const Dependencies&, const Request&, const auth::Principal&, const Respond&);
  auto handler = [&deps](Endpoint endpoint) {
    return [&deps, endpoint](const Request& r, const auth::Principal& p, Respond respond) {
      endpoint(deps, r, p, respond);
    };
  };
  // Point reads run inline where the store allows; writes and scans on the workers; anything
  // that runs Argon2id on the password pool, away from other users' requests.
  return {
      {Method::kPost, "/api/session", Access::kSignIn, Execution::kBlocking, handler(postSession)},
      {Method::kDelete, "/api/session", Access::kUser, Execution::kBlocking,
       handler(deleteSession)},
      {Method::kGet, "/api/me", Access::kUser, Execution::kInline, handler(getMe)},
      {Method::kGet, "/api/providers", Access::kUser, Execution::kInline, handler(getProviders)},
      {Method::kPut, "/api/me/time_zone", Access::kUser, Execution::kBlocking,
       handler(putTimeZone)},
      {Method::kPut, "/api/me/language", Access::kUser, Execution::kBlocking, handler(putLanguage)},
      {Method::kPut, "/api/me/goal", Access::kUser, Execution::kBlocking, handler(putGoal)},
      {Method::kGet, "/api/languages", Access::kUser, Execution::kBlocking, handler(getLanguages)},
      {Method::kPut, "/api/languages", Access::kUser, Execution::kBlocking,
       handler(putLanguageChoice)},
      {Method::kPut, "/api/me/day_start", Access::kUser, Execution::kBlocking,
       handler(putDayStart)},
      {Method::kPut, "/api/me/password", Access::kUser, Execution::kPasswordCheck,
       handler(putPassword)},
      {Method::kGet, "/api/tokens", Access::kUser, Execution::kBlocking, handler(getTokens)},
      {Method::kPost, "/api/tokens", Access::kUser, Execution::kBlocking, handler(postToken)},
      {Method::kDelete, "/api/tokens/{}", Access::kUser, Execution::kBlocking,
       handler(deleteToken)},
      {Method::kGet, "/api/users", Access::kAdmin, Execution::kBlocking, handler(getUsers)},
      {Method::kPost, "/api/users", Access::kAdmin, Execution::kPasswordCheck, handler(postUser)},
      {Method::kDelete, "/api/users/{}", Access::kAdmin, Execution::kBlocking, handler(deleteUser)},
  };
}

}  // namespace it::api::account
