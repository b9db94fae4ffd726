#pragma once

#include <vector>

#include "http/router.hpp"
#include "telemetry/metrics.hpp"

namespace it::api {

// GET /healthz (no auth) and GET /metrics (Prometheus text, no auth: it holds no user data).
std::vector<http::Route> opsRoutes(const telemetry::HttpMetrics& metrics);

}  // namespace it::api
