#include "api/access.hpp"

#include "http/responses.hpp"

namespace it::api {

std::optional<http::Response> checkUserParameter(const http::Request& request,
                                                 const auth::Principal& caller) {
  auto user = request.queryParam("user");
  if (user && *user != caller.username) {
    return http::errorResponse(403, "The user parameter must name the authenticated user");
  }
  return std::nullopt;
}

std::optional<http::Response> checkMayActFor(const auth::Principal& caller,
                                             std::string_view username) {
  if (caller.admin || caller.username == username) return std::nullopt;
  return http::errorResponse(403, "You may only access your own data");
}

}  // namespace it::api
