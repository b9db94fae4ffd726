// The account endpoints' request bodies (api/account/requests.hpp), each input decoded as
// every one of them: PUT /api/me/time_zone, /api/me/language, /api/me/goal,
// /api/me/day_start, PUT /api/languages, PUT /api/me/password, POST /api/tokens and POST
// /api/users.
//
// Invariants: a decoded zone names a zone of the tz database; a language is 2-3 lower-case
// letters; a goal 0-1440 minutes; a day start 0-23; passwords are 1-1024 bytes of
// UTF-8; a token name 1-100 bytes of UTF-8; a user name valid. A rejected body is an invalid
// request, rendered as a 400 in the service's error shape, of bounded size.

#include <string>

#include "api/account/requests.hpp"
#include "domain/logs.hpp"
#include "domain/names.hpp"
#include "domain/time_zone.hpp"
#include "fuzz_support.hpp"

namespace {

namespace account = it::api::account;
namespace domain = it::domain;
using it::fuzz::decodedOrRefused;

bool validPassword(const std::string& p) {
  return !p.empty() && p.size() <= 1024 && domain::isValidUtf8(p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body = it::fuzz::textOf(data, size);

  // Each result is kept in a variable: decodedOrRefused() points into it.
  auto zone = account::parseTimeZone(body);
  if (const auto* name = decodedOrRefused(zone); name != nullptr && *name) {
    FUZZ_CHECK(domain::findTimeZone(**name) != nullptr);
  }
  auto language = account::parseLanguage(body);
  if (const auto* tag = decodedOrRefused(language); tag != nullptr && *tag) {
    FUZZ_CHECK(domain::languageTag(**tag) == **tag);
  }
  auto choice = account::parseLanguageChoice(body);
  if (const auto* c = decodedOrRefused(choice)) {
    FUZZ_CHECK(!account::groupKindName(c->kind).empty());
    FUZZ_CHECK(!c->group.empty() && c->group.size() <= 1024 && domain::isValidUtf8(c->group));
    FUZZ_CHECK(!c->language || domain::languageTag(*c->language) == *c->language);
  }
  auto goal = account::parseDailyGoal(body);
  if (const auto* minutes = decodedOrRefused(goal)) {
    FUZZ_CHECK(*minutes >= 0 && *minutes <= 1440);
  }
  auto day_start = account::parseDayStart(body);
  if (const auto* hour = decodedOrRefused(day_start)) FUZZ_CHECK(*hour >= 0 && *hour <= 23);
  auto change = account::parsePasswordChange(body);
  if (const auto* c = decodedOrRefused(change)) {
    FUZZ_CHECK(validPassword(c->current_password));
    FUZZ_CHECK(validPassword(c->new_password));
  }
  auto token = account::parseTokenName(body);
  if (const auto* name = decodedOrRefused(token)) {
    FUZZ_CHECK(!name->empty() && name->size() <= 100 && domain::isValidUtf8(*name));
  }
  auto user = account::parseNewUser(body);
  if (const auto* u = decodedOrRefused(user)) {
    FUZZ_CHECK(domain::isValidUsername(u->username));
    FUZZ_CHECK(validPassword(u->password));
  }
  return 0;
}
