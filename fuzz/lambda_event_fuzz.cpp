// lambda::parseEvent: the JSON events Lambda hands the function (API Gateway REST v1 and HTTP
// API v2 proxy requests, REQUEST and TOKEN authorizer requests), and the answers built from
// what they carry (proxyResponse, authorizerPolicy).
//
// Invariants: an HTTP event's method agrees with its method name and header names are lower
// case; a v2 path is an absolute path; an unknown event says why; a proxy response or policy
// made of the event's text is JSON that carries that text back.

#include <boost/json/object.hpp>
#include <cctype>
#include <string>
#include <variant>

#include "domain/names.hpp"
#include "fuzz_support.hpp"
#include "lambda/events.hpp"

namespace {

namespace json = boost::json;
using namespace it::lambda;

void checkHttp(const HttpEvent& event) {
  const it::http::Request& r = event.request;
  FUZZ_CHECK(r.method == it::http::methodFromName(r.method_name));
  for (const auto& [name, value] : r.headers) {
    for (char c : name) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
  }
  if (event.version == PayloadVersion::kHttpV2) {
    FUZZ_CHECK(!r.path.empty() && r.path.front() == '/');
  }

  // The request's body and headers sent back as a proxy response.
  it::http::Response response;
  response.status = 200;
  response.body = r.body;
  response.headers = r.headers;
  std::string out = proxyResponse(response, event.version);
  bool utf8 = it::domain::isValidUtf8(r.body);
  for (const auto& [name, value] : r.headers) {
    utf8 = utf8 && it::domain::isValidUtf8(name) && it::domain::isValidUtf8(value);
  }
  if (!utf8) return;  // JSON cannot carry those bytes as they are
  auto v = it::fuzz::parseJson(out);
  FUZZ_CHECK(v && v->is_object());
  const json::object& o = v->get_object();
  FUZZ_CHECK(o.at("statusCode") == json::value(200));
  FUZZ_CHECK(o.at("body").as_string() == r.body);
  FUZZ_CHECK(o.at("isBase64Encoded") == json::value(false));
  FUZZ_CHECK(o.at("headers").is_object());
}

void checkAuthorizer(const AuthorizerEvent& event) {
  for (bool allow : {true, false}) {
    std::string principal = event.authorization.value_or("anonymous");
    auto v = it::fuzz::parseJson(authorizerPolicy(principal, allow, event.resource_arn));
    FUZZ_CHECK(v && v->is_object());
    const json::object& o = v->get_object();
    FUZZ_CHECK(o.at("principalId").as_string() == principal);
    const auto& statement = o.at("policyDocument").at("Statement").at(0);
    FUZZ_CHECK(statement.at("Resource").as_string() == event.resource_arn);
    FUZZ_CHECK(statement.at("Effect").as_string() == (allow ? "Allow" : "Deny"));
    FUZZ_CHECK(o.contains("context") == allow);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Event event = parseEvent(it::fuzz::textOf(data, size));
  if (const auto* http = std::get_if<HttpEvent>(&event)) {
    checkHttp(*http);
  } else if (const auto* authorizer = std::get_if<AuthorizerEvent>(&event)) {
    checkAuthorizer(*authorizer);
  } else {
    FUZZ_CHECK(!std::get<UnknownEvent>(event).reason.empty());
  }
  return 0;
}
