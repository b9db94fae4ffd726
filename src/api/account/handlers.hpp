#pragma once

#include <vector>

#include "http/router.hpp"
#include "providers/metadata_clients.hpp"
#include "service/calendars.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"

namespace it::api::account {

// What the account handlers work with; must outlive the routes.
struct Dependencies {
  storage::Store& store;  // users, tokens, time zones
  const service::Calendars& calendars;
  providers::ConfiguredProviders configured;
  const Clock& clock;
};

// The caller's own account (the web dashboard's settings, usable with any credentials):
//   GET /api/me, PUT /api/me/time_zone, PUT /api/me/password, GET /api/providers,
//   GET /api/tokens, POST /api/tokens, DELETE /api/tokens/{id};
// and, for admins, the users: GET /api/users, POST /api/users, DELETE /api/users/{name}.
std::vector<http::Route> routes(const Dependencies& deps);

}  // namespace it::api::account
