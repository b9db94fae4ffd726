#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/failure.hpp"

namespace it::api {

// Parses a request body that must be a non-empty JSON object (any Content-Type is accepted,
// so `curl -d` works without -H). Otherwise a kInvalidRequest failure (a 400) saying why:
//   empty body or a falsy value ({}, [], null, 0, false, "") -> `empty_message`
//   not JSON (or invalid UTF-8)                              -> "Request body is not valid JSON"
//   any other JSON value                                     -> "Request body must be a JSON
//   object"
Result<boost::json::object> parseJsonObject(std::string_view body, std::string_view empty_message);

// A request that cannot be decoded: a 400 with `message`; nothing is done.
inline Failure invalidRequest(std::string message) {
  return Failure{FailureKind::kInvalidRequest, std::move(message)};
}

// The value, or JSON null when there is none.
boost::json::value jsonOrNull(const std::optional<std::string>& s);
boost::json::value jsonOrNull(const std::optional<std::int64_t>& n);

// Python's truthiness of a JSON value (null, false, 0, "", [], {} are falsy), which the
// original used to decide that a field was missing.
bool isFalsy(const boost::json::value& v);

}  // namespace it::api
