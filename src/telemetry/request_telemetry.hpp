#pragma once

#include "http/router.hpp"
#include "telemetry/metrics.hpp"

namespace it::telemetry {

// Logs one JSON line per answered request and records it in the metrics. Thread-safe.
class RequestTelemetry final : public http::RequestObserver {
 public:
  explicit RequestTelemetry(HttpMetrics& metrics) : metrics_(metrics) {}
  void onResponse(const http::Request& request, std::string_view route, int status,
                  double duration_ms, std::string_view user) override;

 private:
  HttpMetrics& metrics_;
};

}  // namespace it::telemetry
