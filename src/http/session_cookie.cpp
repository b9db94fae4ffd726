#include "http/session_cookie.hpp"

#include <boost/url/parse.hpp>

namespace it::http {
namespace {

bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

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
      std::string_view pair = trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      auto equals = pair.find('=');
      if (equals == std::string_view::npos || trim(pair.substr(0, equals)) != kSessionCookieName) {
        continue;
      }
      std::string_view id = trim(pair.substr(equals + 1));
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
  return always || equalsNoCase(request.header("x-forwarded-proto").value_or(""), "https");
}

bool fromOwnOrigin(const Request& request) {
  if (auto site = request.header("sec-fetch-site")) return equalsNoCase(*site, "same-origin");
  auto origin = request.header("origin");
  auto host = request.header("host");
  if (!origin || !host) return false;
  auto parsed = boost::urls::parse_absolute_uri(*origin);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")) return false;
  return equalsNoCase(parsed->encoded_authority(), trim(*host));
}

bool fromAnotherSite(const Request& request) {
  return (request.header("sec-fetch-site") || request.header("origin")) && !fromOwnOrigin(request);
}

bool fromPageScript(const Request& request) {
  auto mode = request.header("sec-fetch-mode");
  return mode && !equalsNoCase(*mode, "navigate");
}

}  // namespace it::http
