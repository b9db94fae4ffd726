#include "app/request_telemetry.hpp"

#include "telemetry/cloudwatch.hpp"
#include "telemetry/log.hpp"

namespace it::app {

void RequestTelemetry::onResponse(const http::Request& request, std::string_view route, int status,
                                  double duration_ms, std::string_view user) {
  std::string_view method = http::methodName(request.method);  // bounded label set
  metrics_.record(route, method, status, duration_ms / 1000.0);
  telemetry::logRequest(request.request_id, method, route, request.path, status, duration_ms, user);
  if (!cloudwatch_.emf && cloudwatch_.publisher == nullptr) return;
  telemetry::RequestSample sample{std::string(route), std::string(method), status, duration_ms,
                                  std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count()};
  if (cloudwatch_.emf)
    telemetry::writeLine(telemetry::emfLine(sample, cloudwatch_.metric_namespace));
  if (cloudwatch_.publisher != nullptr) cloudwatch_.publisher->record(std::move(sample));
}

}  // namespace it::app
