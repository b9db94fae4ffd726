#pragma once

#include <vector>

#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "providers/metadata_clients.hpp"
#include "service/calendars.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"

namespace it::api::account {

// What the account handlers work with; must outlive the routes.
struct Dependencies {
  storage::Store& store;  // users, tokens, sessions, settings
  const service::Calendars& calendars;
  providers::ConfiguredProviders configured;
  const Clock& clock;
  auth::Authenticator& authenticator;  // signing in: the same checks, slowdown and lockout
  bool secure_cookies = false;         // session cookies Secure without a TLS proxy saying so
};

// Signing the web dashboard in and out: POST /api/session (Access::kSignIn), DELETE
// /api/session.
// The caller's own account (the web dashboard's settings, usable with any credentials):
//   GET /api/me, PUT /api/me/time_zone, /api/me/language, /api/me/goal, /api/me/day_start,
//   PUT /api/me/password, GET /api/providers,
//   GET /api/tokens, POST /api/tokens, DELETE /api/tokens/{id};
// and, for admins, the users: GET /api/users, POST /api/users, DELETE /api/users/{name}.
std::vector<http::Route> routes(const Dependencies& deps);

}  // namespace it::api::account
