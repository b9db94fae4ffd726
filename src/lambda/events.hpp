#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <variant>

#include "http/message.hpp"

namespace it::lambda {

// The events Lambda hands the function (API Gateway REST v1 and HTTP API v2 proxy events, and
// the REQUEST and TOKEN authorizer events the original Lambda service answers), and the
// answers it expects back. Pure functions, but for reading a streamed answer's body.

enum class PayloadVersion { kRestV1, kHttpV2 };

// An API Gateway proxy request (REST v1 or HTTP API v2 / function URL), as the router's
// request.
struct HttpEvent {
  PayloadVersion version = PayloadVersion::kRestV1;
  http::Request request;
};

// An API Gateway Lambda authorizer request (REQUEST or TOKEN type): the credentials to check
// and the resource the policy is for.
struct AuthorizerEvent {
  std::optional<std::string> authorization;   // the Authorization header, any case
  std::optional<std::string> user_parameter;  // ?user=, which the 2025 client also sent
  std::string resource_arn;                   // methodArn (REST) or routeArn (HTTP API)
  std::string source_ip;
};

// Anything else: why it is not one of the above.
struct UnknownEvent {
  std::string reason;
};

using Event = std::variant<HttpEvent, AuthorizerEvent, UnknownEvent>;

// Recognises and decodes an event (JSON text): headers in any case, base64 bodies,
// multi-value query parameters, a stage prefix in HTTP API paths.
Event parseEvent(std::string_view json_text);

// The proxy integration response for `response`, in the event's payload version. Lambda cannot
// stream: a streamed body (Response::stream) is read whole here, on the calling thread (the
// runtime loop's, which may block). Throws (logged) when its producer throws or it comes to more
// than Lambda can return (6 MB), so that the invocation fails rather than answer a truncated
// body.
std::string proxyResponse(const http::Response& response, PayloadVersion version);

// The authorizer's answer: an IAM policy allowing or denying execute-api:Invoke on
// `resource_arn` for `principal_id`, as the original AuthHandler returned.
std::string authorizerPolicy(const std::string& principal_id, bool allow,
                             const std::string& resource_arn);

}  // namespace it::lambda
