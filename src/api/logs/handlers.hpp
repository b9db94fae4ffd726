#pragma once

#include <boost/json/object.hpp>
#include <vector>

#include "http/router.hpp"
#include "service/log_service.hpp"
#include "util/clock.hpp"

namespace it::api::logs {

// What the log handlers work with; must outlive the routes.
struct Dependencies {
  service::LogService& logs;
};

// Manual logs, each the caller's own: POST /api/logs (an Idempotency-Key header makes a retry
// record once), GET /api/logs (?from=&to=&limit=&cursor=&order=), GET, PATCH and DELETE
// /api/logs/{id}.
std::vector<http::Route> routes(const Dependencies& deps);

// A log as the API shows it.
boost::json::object logJson(const domain::ImmersionLog& log);

}  // namespace it::api::logs
