#include "http/responses.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <chrono>

namespace it::http {

Response jsonResponse(int status, const boost::json::value& value) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(value);
  return r;
}

Response noContent() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response errorResponse(int status, std::string_view message) {
  return jsonResponse(status, boost::json::object{{"error", message}});
}

int statusOf(FailureKind kind) {
  switch (kind) {
    case FailureKind::kInvalidRequest:
      return 400;
    case FailureKind::kForbidden:
      return 403;
    case FailureKind::kNotFound:
      return 404;
    case FailureKind::kUnprocessable:
    case FailureKind::kItemRejected:
      return 422;
    case FailureKind::kStorage:
    case FailureKind::kInternal:
      return 500;
    case FailureKind::kUnavailable:
    case FailureKind::kRejected:
    case FailureKind::kInvalidResponse:
      return 502;
    case FailureKind::kNotConfigured:
      return 503;
  }
  return 500;
}

Response failureResponse(const Failure& failure) {
  switch (failure.kind) {
    case FailureKind::kStorage:
      return errorResponse(500, "Database error");
    case FailureKind::kInternal:
      return errorResponse(500, "Internal server error");
    default:
      return errorResponse(statusOf(failure.kind), failure.message);
  }
}

Response throttledResponse(std::chrono::milliseconds wait) {
  auto seconds = std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(wait).count());
  Response r =
      errorResponse(429, "Too many failed logins from this address; try again in " +
                             std::to_string(seconds) + (seconds == 1 ? " second" : " seconds"));
  r.headers.emplace_back("Retry-After", std::to_string(seconds));
  return r;
}

}  // namespace it::http
