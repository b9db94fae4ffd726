#pragma once

#include <string_view>

#include "http/message.hpp"

namespace boost::json {
class value;
}

namespace it::http {

// A JSON response with `value` serialized as the body.
Response jsonResponse(int status, const boost::json::value& value);
// {"error": message}: the one shape of every error this service returns.
Response errorResponse(int status, std::string_view message);

}  // namespace it::http
