#pragma once

#include <string>

#include "http/router.hpp"
#include "telemetry/metrics.hpp"

namespace it::telemetry {
class CloudWatchPublisher;
}

namespace it::app {

// Where request metrics go besides /metrics: Embedded Metric Format lines in the log
// (`--metrics cloudwatch-emf`) or batched PutMetricData calls (`--metrics cloudwatch`).
struct CloudWatchOutput {
  bool emf = false;
  telemetry::CloudWatchPublisher* publisher = nullptr;  // must outlive the RequestTelemetry
  std::string metric_namespace;
};

// Logs one JSON line per answered request and records it in the metrics (and, when asked, in
// CloudWatch). Thread-safe.
class RequestTelemetry final : public http::RequestObserver {
 public:
  explicit RequestTelemetry(telemetry::HttpMetrics& metrics, CloudWatchOutput cloudwatch = {})
      : metrics_(metrics), cloudwatch_(std::move(cloudwatch)) {}
  void onResponse(const http::Request& request, std::string_view route, int status,
                  double duration_ms, std::string_view user) override;

 private:
  telemetry::HttpMetrics& metrics_;
  CloudWatchOutput cloudwatch_;
};

}  // namespace it::app
