#pragma once

#include <string_view>

#include "http/message.hpp"
#include "util/failure.hpp"

namespace boost::json {
class value;
}

namespace it::http {

// A JSON response with `value` serialized as the body.
Response jsonResponse(int status, const boost::json::value& value);
// {"error": message}: the one shape of every error this service returns.
Response errorResponse(int status, std::string_view message);
// 204 No Content: no body, no Content-Type.
Response noContent();

// The HTTP status of a failure.
int statusOf(FailureKind kind);
// The one mapping of a failure to an answer: its status and {"error": message}; a storage
// failure or a bug answers only "Database error" or "Internal server error" (the detail is
// for the log).
Response failureResponse(const Failure& failure);

// 429 with Retry-After: too many failed logins from the client's address, try again once
// `wait` has passed.
Response throttledResponse(std::chrono::milliseconds wait);

}  // namespace it::http
