#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace it::http {

// Cross-origin access for browsers (CORS): the origins whose web pages may call the API (a
// dashboard served from another host), and the headers that tell a browser so. With no
// origins, nothing changes: no answer carries CORS headers.
class CorsPolicy {
 public:
  CorsPolicy() = default;
  // Origins exactly as browsers send them: scheme, host and port, e.g. https://a.example.
  explicit CorsPolicy(std::vector<std::string> allowed_origins);

  // The request's Origin when it is allowed; nothing otherwise.
  std::optional<std::string> allowedOrigin(const Request& request) const;

  // Lets the page at `origin` read `response` (errors and 401s too).
  static void allow(Response& response, const std::string& origin);
  // The answer to a preflight OPTIONS for a path whose routes take `methods` ("GET, PUT"):
  // 204, no authentication needed.
  static Response preflight(const std::string& methods);

 private:
  std::vector<std::string> origins_;
};

}  // namespace it::http
