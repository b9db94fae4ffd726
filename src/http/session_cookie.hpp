#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

// The web dashboard's session cookie, and what a request says about where a browser sent it
// from (Fetch Metadata and Origin), for the checks that keep other sites from acting for a
// signed-in user.

namespace it::http {

inline constexpr std::string_view kSessionCookieName = "it_session";

// The session id in the request's Cookie header, if there is exactly one.
std::optional<std::string> sessionCookie(const Request& request);

// A Set-Cookie value for session `id`, for `max_age`: HttpOnly, SameSite=Strict, Path=/, and
// Secure when `secure`.
std::string sessionCookieHeader(std::string_view id, std::chrono::seconds max_age, bool secure);
// A Set-Cookie value that makes the browser forget the session cookie.
std::string clearedSessionCookieHeader(bool secure);

// Whether cookies should be Secure: `always` (the secure_cookies setting), or the request came
// through a TLS proxy (X-Forwarded-Proto: https).
bool servedOverHttps(const Request& request, bool always);

// Whether a browser said it sent the request from a page of this server's own origin:
// Sec-Fetch-Site: same-origin, else an Origin whose host and port are the request's Host.
// False when the request says neither (curl; a browser too old to say).
bool fromOwnOrigin(const Request& request);
// Whether a browser said it sent the request from another site (the opposite of the above,
// when the request says anything at all).
bool fromAnotherSite(const Request& request);
// Whether a page's script made the request (fetch; Sec-Fetch-Mode other than navigate), so
// a 401 must not carry a Basic challenge, which would make the browser ask for a password.
bool fromPageScript(const Request& request);

}  // namespace it::http
