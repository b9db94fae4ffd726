#include "http/session_cookie.hpp"

#include <boost/url/parse.hpp>

#include "util/text.hpp"

namespace it::http {
namespace {

std::string attributes(std::chrono::seconds max_age, bool secure) {
  return "; Path=/; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

}  // namespace

std::optional<std::string> sessionCookie(const Request& request) {
  std::optional<std::string> found;
  for (const auto& [name, value] : request.headers) {
    if (name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semicolon = rest.find(';');
      std::string_view pair = trimSpacesAndTabs(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      auto equals = pair.find('=');
      if (equals == std::string_view::npos ||
          trimSpacesAndTabs(pair.substr(0, equals)) != kSessionCookieName) {
        continue;
      }
      std::string_view id = trimSpacesAndTabs(pair.substr(equals + 1));
      // Two of them: one was set by another host of the same site (a sibling subdomain),
      // and which is ours cannot be told. Neither is trusted.
      if (found) return std::nullopt;
      found = std::string(id);
    }
  }
  if (found && found->empty()) return std::nullopt;
  return found;
}

std::string sessionCookieHeader(std::string_view id, std::chrono::seconds max_age, bool secure) {
  return std::string(kSessionCookieName) + "=" + std::string(id) + attributes(max_age, secure);
}

std::string clearedSessionCookieHeader(bool secure) {
  return std::string(kSessionCookieName) + "=" + attributes(std::chrono::seconds(0), secure);
}

bool servedOverHttps(const Request& request, bool always) {
  return always || equalsIgnoringCase(request.header("x-forwarded-proto").value_or(""), "https");
}

bool fromOwnOrigin(const Request& request) {
  if (auto site = request.header("sec-fetch-site")) return equalsIgnoringCase(*site, "same-origin");
  auto origin = request.header("origin");
  auto host = request.header("host");
  if (!origin || !host) return false;
  auto parsed = boost::urls::parse_absolute_uri(*origin);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")) return false;
  return equalsIgnoringCase(parsed->encoded_authority(), trimSpacesAndTabs(*host));
}

bool fromAnotherSite(const Request& request) {
  return (request.header("sec-fetch-site") || request.header("origin")) && !fromOwnOrigin(request);
}

bool fromPageScript(const Request& request) {
  auto mode = request.header("sec-fetch-mode");
  return mode && !equalsIgnoringCase(*mode, "navigate");
}

}  // namespace it::http
