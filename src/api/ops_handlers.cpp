#include "api/ops_handlers.hpp"

namespace it::api {

std::vector<http::Route> opsRoutes(const telemetry::HttpMetrics& metrics) {
  std::vector<http::Route> routes;
  routes.push_back({http::Method::kGet, "/healthz", http::Access::kPublic, http::Execution::kInline,
                    [](const http::Request&, const auth::Principal&, http::Respond respond) {
                      http::Response r;
                      r.body = R"({"status":"ok"})";
                      respond(std::move(r));
                    }});
  routes.push_back(
      {http::Method::kGet, "/metrics", http::Access::kPublic, http::Execution::kInline,
       [&metrics](const http::Request&, const auth::Principal&, http::Respond respond) {
         http::Response r;
         r.content_type = "text/plain; version=0.0.4; charset=utf-8";
         r.body = metrics.renderPrometheus();
         respond(std::move(r));
       }});
  return routes;
}

}  // namespace it::api
