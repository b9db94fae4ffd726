#include "lambda/events.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <map>
#include <stdexcept>

#include "telemetry/log.hpp"
#include "util/encoding.hpp"
#include "util/failure.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

namespace it::lambda {
namespace {

namespace json = boost::json;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A header, whatever case the client or the payload version gave its name.
std::optional<std::string> headerIn(const json::object* headers, std::string_view lower_name) {
  if (headers == nullptr) return std::nullopt;
  for (const auto& [name, value] : *headers) {
    if (value.is_string() && lower(name) == lower_name) return std::string(value.get_string());
  }
  return std::nullopt;
}

// What a streamed body may come to here: a Lambda function's answer is limited to 6 MB, which
// the Runtime API would refuse anyway, so reading stops there instead of filling memory.
constexpr std::size_t kMaxStreamedBody = 6 * 1024 * 1024;

// A streamed answer's body, read whole: Lambda answers in one piece. Throws (logged) when the
// producer does or the body outgrows what Lambda can return: the invocation then fails, and API
// Gateway answers 502 instead of passing on a truncated document.
std::string readWhole(http::BodyProducer& producer) {
  std::string body;
  try {
    while (std::optional<std::string> piece = producer.next()) {
      body += *piece;
      if (body.size() > kMaxStreamedBody) {
        throw std::length_error("a streamed answer over Lambda's 6 MB limit");
      }
    }
  } catch (...) {
    telemetry::logError("stream failed", currentFailure().message);
    throw;
  }
  return body;
}

std::string sourceIp(const json::object& event) {
  const json::object* context = objectAt(event, "requestContext");
  if (context == nullptr) return "";
  if (const json::object* identity = objectAt(*context, "identity")) {
    if (auto ip = stringAt(*identity, "sourceIp")) return *ip;
  }
  if (const json::object* http = objectAt(*context, "http")) {
    if (auto ip = stringAt(*http, "sourceIp")) return *ip;
  }
  return "";
}

std::string requestId(const json::object& event) {
  const json::object* context = objectAt(event, "requestContext");
  return context != nullptr ? stringAt(*context, "requestId").value_or("") : "";
}

// The body, base64-decoded when the event says so. Nothing when it is not valid base64.
std::optional<std::string> bodyOf(const json::object& event) {
  std::string body = stringAt(event, "body").value_or("");
  const auto* encoded = event.if_contains("isBase64Encoded");
  if (encoded == nullptr || !encoded->is_bool() || !encoded->get_bool()) return body;
  return base64Decode(body, " \r\n");
}

std::string targetOf(const http::Request& request) {
  std::string target = request.path;
  for (std::size_t i = 0; i < request.query.size(); ++i) {
    target += (i == 0 ? '?' : '&') + request.query[i].first + "=" + request.query[i].second;
  }
  return target;
}

Event restV1(const json::object& event) {
  HttpEvent out{PayloadVersion::kRestV1, {}};
  http::Request& r = out.request;
  r.method_name = stringAt(event, "httpMethod").value_or("");
  r.method = http::methodFromName(r.method_name);
  r.path = stringAt(event, "path").value_or("/");
  // Multi-value forms carry every value of a repeated name; the single-value ones the last.
  if (const json::object* multi = objectAt(event, "multiValueQueryStringParameters")) {
    for (const auto& [name, values] : *multi) {
      if (!values.is_array()) continue;
      for (const auto& v : values.get_array()) {
        if (v.is_string()) r.query.emplace_back(name, std::string(v.get_string()));
      }
    }
  } else if (const json::object* single = objectAt(event, "queryStringParameters")) {
    for (const auto& [name, v] : *single) {
      if (v.is_string()) r.query.emplace_back(name, std::string(v.get_string()));
    }
  }
  if (const json::object* multi = objectAt(event, "multiValueHeaders")) {
    for (const auto& [name, values] : *multi) {
      if (!values.is_array()) continue;
      for (const auto& v : values.get_array()) {
        if (v.is_string()) r.headers.emplace_back(lower(name), std::string(v.get_string()));
      }
    }
  } else if (const json::object* single = objectAt(event, "headers")) {
    for (const auto& [name, v] : *single) {
      if (v.is_string()) r.headers.emplace_back(lower(name), std::string(v.get_string()));
    }
  }
  auto body = bodyOf(event);
  if (!body) return UnknownEvent{"the body is marked base64 but is not valid base64"};
  r.body = std::move(*body);
  r.client_address = sourceIp(event);
  r.request_id = requestId(event);
  r.target = targetOf(r);
  return out;
}

Event httpV2(const json::object& event, const json::object& context) {
  HttpEvent out{PayloadVersion::kHttpV2, {}};
  http::Request& r = out.request;
  const json::object* http_context = objectAt(context, "http");
  r.method_name = stringAt(*http_context, "method").value_or("");
  r.method = http::methodFromName(r.method_name);
  std::string path = stringAt(event, "rawPath").value_or("/");
  // A named stage is part of the raw path ("/prod/progress"); the routes are not.
  std::string stage = stringAt(context, "stage").value_or("$default");
  if (stage != "$default" && !stage.empty()) {
    std::string prefix = "/" + stage;
    if (path == prefix) {
      path = "/";
    } else if (path.starts_with(prefix + "/")) {
      path = path.substr(prefix.size());
    }
  }
  std::string query = stringAt(event, "rawQueryString").value_or("");
  if (!http::parseTarget(query.empty() ? path : path + "?" + query, r.path, r.query)) {
    return UnknownEvent{"the path or query is not a valid URI"};
  }
  if (const json::object* headers = objectAt(event, "headers")) {
    for (const auto& [name, v] : *headers) {
      if (v.is_string()) r.headers.emplace_back(lower(name), std::string(v.get_string()));
    }
  }
  if (const auto* cookies = event.if_contains("cookies");
      cookies != nullptr && cookies->is_array()) {
    std::string joined;
    for (const auto& c : cookies->get_array()) {
      if (!c.is_string()) continue;
      if (!joined.empty()) joined += "; ";
      joined += c.get_string();
    }
    if (!joined.empty()) r.headers.emplace_back("cookie", joined);
  }
  auto body = bodyOf(event);
  if (!body) return UnknownEvent{"the body is marked base64 but is not valid base64"};
  r.body = std::move(*body);
  r.client_address = sourceIp(event);
  r.request_id = requestId(event);
  r.target = query.empty() ? path : path + "?" + query;
  return out;
}

Event authorizer(const json::object& event) {
  AuthorizerEvent out;
  out.resource_arn =
      stringAt(event, "methodArn").value_or(stringAt(event, "routeArn").value_or(""));
  if (stringAt(event, "type") == "TOKEN") {
    out.authorization = stringAt(event, "authorizationToken");
  } else {
    out.authorization = headerIn(objectAt(event, "headers"), "authorization");
    if (const json::object* query = objectAt(event, "queryStringParameters")) {
      out.user_parameter = stringAt(*query, "user");
    }
  }
  out.source_ip = sourceIp(event);
  return out;
}

}  // namespace

Event parseEvent(std::string_view json_text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(json_text, ec);
  if (ec || !parsed.is_object()) return UnknownEvent{"the event is not a JSON object"};
  const json::object& event = parsed.get_object();
  auto type = stringAt(event, "type");
  if ((type == "REQUEST" || type == "TOKEN") &&
      (event.contains("methodArn") || event.contains("routeArn"))) {
    return authorizer(event);
  }
  const json::object* context = objectAt(event, "requestContext");
  if (stringAt(event, "version") == "2.0" && context != nullptr && objectAt(*context, "http") &&
      stringAt(*objectAt(*context, "http"), "method")) {
    return httpV2(event, *context);
  }
  if (stringAt(event, "httpMethod") && stringAt(event, "path")) return restV1(event);
  return UnknownEvent{
      "the event is neither an API Gateway proxy request (REST v1 or HTTP API v2) nor an "
      "authorizer request"};
}

std::string proxyResponse(const http::Response& response, PayloadVersion version) {
  const bool v1 = version == PayloadVersion::kRestV1;
  std::string streamed;
  if (response.stream) streamed = readWhole(*response.stream);
  std::string_view body = response.stream ? std::string_view(streamed) : response.bytes();
  std::vector<std::pair<std::string, std::string>> all;
  if (!response.content_type.empty()) {
    all.emplace_back(v1 ? "Content-Type" : "content-type", response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    all.emplace_back(v1 ? name : lower(name), value);
  }
  // One value per name in `headers`; a repeated name goes to multiValueHeaders (v1) or is
  // comma-joined (v2), as API Gateway expects.
  std::map<std::string, std::vector<std::string>> grouped;
  std::vector<std::string> order;
  for (const auto& [name, value] : all) {
    auto [it, inserted] = grouped.try_emplace(name);
    if (inserted) order.push_back(name);
    it->second.push_back(value);
  }
  json::object headers;
  json::object multi;
  for (const auto& name : order) {
    const auto& values = grouped[name];
    if (values.size() == 1) {
      headers[name] = values.front();
    } else if (v1) {
      json::array list;
      for (const auto& v : values) list.push_back(json::string(v));
      multi[name] = std::move(list);
    } else {
      std::string joined;
      for (const auto& v : values) joined += (joined.empty() ? "" : ",") + v;
      headers[name] = joined;
    }
  }
  json::object out{{"statusCode", response.status}, {"headers", std::move(headers)}};
  if (!multi.empty()) out["multiValueHeaders"] = std::move(multi);
  // API Gateway passes bodies as text: compressed or binary ones (the dashboard's files) go
  // base64-encoded, and it decodes them for the client.
  const bool binary =
      std::any_of(response.headers.begin(), response.headers.end(),
                  [](const auto& h) { return equalsIgnoringCase(h.first, "content-encoding"); }) ||
      (!response.content_type.empty() &&
       response.content_type.find("charset=") == std::string::npos);
  out["body"] = binary ? json::string(base64Encode(body)) : json::string(body);
  out["isBase64Encoded"] = binary;
  return json::serialize(out);
}

std::string authorizerPolicy(const std::string& principal_id, bool allow,
                             const std::string& resource_arn) {
  json::object statement{{"Action", "execute-api:Invoke"},
                         {"Effect", allow ? "Allow" : "Deny"},
                         {"Resource", resource_arn}};
  json::object out{
      {"principalId", principal_id},
      {"policyDocument",
       json::object{{"Version", "2012-10-17"}, {"Statement", json::array{std::move(statement)}}}}};
  if (allow) out["context"] = json::object{{"username", principal_id}};
  return json::serialize(out);
}

}  // namespace it::lambda
