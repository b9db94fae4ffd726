#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http/message.hpp"

namespace it::api {

// Parses a request body that must be a non-empty JSON object (any Content-Type is accepted,
// so `curl -d` works without -H). On failure returns the 400 to send:
//   empty body or a falsy value ({}, [], null, 0, false, "") -> `empty_message`
//   not JSON (or invalid UTF-8)                              -> "Request body is not valid JSON"
//   any other JSON value                                     -> "Request body must be a JSON
//   object"
std::variant<boost::json::object, http::Response> parseJsonObject(std::string_view body,
                                                                  std::string_view empty_message);

// The value, or JSON null when there is none.
boost::json::value jsonOrNull(const std::optional<std::string>& s);
boost::json::value jsonOrNull(const std::optional<std::int64_t>& n);

// Python's truthiness of a JSON value (null, false, 0, "", [], {} are falsy), which the
// original used to decide that a field was missing.
bool isFalsy(const boost::json::value& v);

}  // namespace it::api
