#include "telemetry/request_telemetry.hpp"

#include "telemetry/log.hpp"

namespace it::telemetry {

void RequestTelemetry::onResponse(const http::Request& request, std::string_view route, int status,
                                  double duration_ms, std::string_view user) {
  std::string_view method = http::methodName(request.method);  // bounded label set
  metrics_.record(route, method, status, duration_ms / 1000.0);
  logRequest(request.request_id, method, route, request.path, status, duration_ms, user);
}

}  // namespace it::telemetry
