#pragma once

#include <optional>
#include <string_view>

#include "auth/authenticator.hpp"
#include "http/message.hpp"

namespace it::api {

// The original client sends ?user=<name> with every request; when present it must name the
// caller. Returns the 403 to send, or nothing when the request may go on.
std::optional<http::Response> checkUserParameter(const http::Request& request,
                                                 const auth::Principal& caller);

// A user may read and change only their own data; an admin may act for anyone.
std::optional<http::Response> checkMayActFor(const auth::Principal& caller,
                                             std::string_view username);

}  // namespace it::api
