#include "http/cors.hpp"

#include <algorithm>
#include <utility>

namespace it::http {

CorsPolicy::CorsPolicy(std::vector<std::string> allowed_origins)
    : origins_(std::move(allowed_origins)) {}

std::optional<std::string> CorsPolicy::allowedOrigin(const Request& request) const {
  if (origins_.empty()) return std::nullopt;
  auto origin = request.header("origin");
  if (!origin || std::find(origins_.begin(), origins_.end(), *origin) == origins_.end()) {
    return std::nullopt;
  }
  return std::string(*origin);
}

void CorsPolicy::allow(Response& response, const std::string& origin) {
  response.headers.emplace_back("Access-Control-Allow-Origin", origin);
  // The answer differs by Origin, so a shared cache must not serve it to another one.
  response.headers.emplace_back("Vary", "Origin");
  // So that a page can read how long to wait after a 429, and quote the id of a request.
  response.headers.emplace_back("Access-Control-Expose-Headers", "Retry-After, X-Request-Id");
}

Response CorsPolicy::preflight(const std::string& methods) {
  Response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.emplace_back("Access-Control-Allow-Methods", methods);
  r.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
  // How long a browser may reuse this answer (browsers cap it: Chromium at 2 hours).
  r.headers.emplace_back("Access-Control-Max-Age", "7200");
  return r;
}

}  // namespace it::http
