// Lambda events (reference/external-apis.md §6.2-6.3): API Gateway REST v1 and HTTP API v2
// proxy requests to the router's requests, proxy responses, the authorizer's request and
// policy, and events that are none of these.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "lambda/events.hpp"

namespace it::lambda {
namespace {

namespace json = boost::json;

const http::Request& requestOf(const Event& event) {
  static const http::Request kNone;
  const auto* http_event = std::get_if<HttpEvent>(&event);
  EXPECT_NE(http_event, nullptr);
  return http_event != nullptr ? http_event->request : kNone;
}

TEST(LambdaEventsTest, RestV1RequestWithMultiValueQueryAndHeadersInAnyCase) {
  Event event = parseEvent(R"({
    "resource": "/api/show_user", "path": "/api/show_user", "httpMethod": "GET",
    "headers": {"AUTHORIZATION": "Basic YWxpY2U6cHc=", "X-Forwarded-For": "203.0.113.9"},
    "multiValueHeaders": {"AUTHORIZATION": ["Basic YWxpY2U6cHc="],
                          "X-Forwarded-For": ["203.0.113.9"], "Accept": ["a", "b"]},
    "queryStringParameters": {"username": "bob"},
    "multiValueQueryStringParameters": {"username": ["alice", "bob"], "x": ["1"]},
    "pathParameters": null, "stageVariables": null,
    "requestContext": {"requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                       "identity": {"sourceIp": "198.51.100.7"}},
    "body": null, "isBase64Encoded": false})");
  ASSERT_TRUE(std::holds_alternative<HttpEvent>(event));
  EXPECT_EQ(std::get<HttpEvent>(event).version, PayloadVersion::kRestV1);
  const http::Request& r = requestOf(event);
  EXPECT_EQ(r.method, http::Method::kGet);
  EXPECT_EQ(r.path, "/api/show_user");
  ASSERT_EQ(r.query.size(), 3u);
  EXPECT_EQ(r.queryParam("username"), "alice");  // the first of the repeated values
  EXPECT_EQ(r.header("authorization"), "Basic YWxpY2U6cHc=");
  EXPECT_EQ(r.header("accept"), "a");
  EXPECT_EQ(r.client_address, "198.51.100.7");
  EXPECT_EQ(r.request_id, "c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
  EXPECT_EQ(r.body, "");
}

TEST(LambdaEventsTest, RestV1WithSingleValueFormsOnlyAndABase64Body) {
  Event event = parseEvent(R"({"path": "/sync", "httpMethod": "POST",
    "headers": {"content-type": "application/json"}, "queryStringParameters": {"user": "a b"},
    "body": "eyJlcGlzb2RlcyI6IFtdfQ==", "isBase64Encoded": true})");
  const http::Request& r = requestOf(event);
  EXPECT_EQ(r.method, http::Method::kPost);
  EXPECT_EQ(r.body, R"({"episodes": []})");
  EXPECT_EQ(r.queryParam("user"), "a b");
  EXPECT_EQ(r.header("content-type"), "application/json");
}

TEST(LambdaEventsTest, HttpV2RequestWithStagePrefixCookiesAndBase64Body) {
  Event event = parseEvent(R"({"version": "2.0", "routeKey": "$default",
    "rawPath": "/prod/api/show_user", "rawQueryString": "username=al%20ice&x=1&x=2",
    "cookies": ["a=1", "b=2"],
    "headers": {"authorization": "Bearer itk_x_y", "accept": "a,b"},
    "queryStringParameters": {"username": "al ice", "x": "1,2"},
    "requestContext": {"stage": "prod", "requestId": "r-2",
      "http": {"method": "PUT", "path": "/prod/api/show_user", "sourceIp": "192.0.2.1"}},
    "body": "aGVsbG8=", "isBase64Encoded": true})");
  ASSERT_TRUE(std::holds_alternative<HttpEvent>(event));
  EXPECT_EQ(std::get<HttpEvent>(event).version, PayloadVersion::kHttpV2);
  const http::Request& r = requestOf(event);
  EXPECT_EQ(r.method, http::Method::kPut);
  EXPECT_EQ(r.path, "/api/show_user");
  ASSERT_EQ(r.query.size(), 3u);  // from rawQueryString: repeated names stay apart
  EXPECT_EQ(r.queryParam("username"), "al ice");
  EXPECT_EQ(r.query[2], (std::pair<std::string, std::string>{"x", "2"}));
  EXPECT_EQ(r.header("cookie"), "a=1; b=2");
  EXPECT_EQ(r.header("authorization"), "Bearer itk_x_y");
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.client_address, "192.0.2.1");
}

TEST(LambdaEventsTest, HttpV2DefaultStageKeepsThePathAndMayHaveNoBody) {
  Event event = parseEvent(R"({"version": "2.0", "rawPath": "/progress",
    "rawQueryString": "", "headers": {},
    "requestContext": {"stage": "$default", "http": {"method": "GET"}}})");
  const http::Request& r = requestOf(event);
  EXPECT_EQ(r.path, "/progress");
  EXPECT_TRUE(r.query.empty());
  EXPECT_EQ(r.body, "");
}

TEST(LambdaEventsTest, RequestAuthorizerEvent) {
  Event event = parseEvent(R"({"type": "REQUEST",
    "methodArn": "arn:aws:execute-api:ap-southeast-2:123456789012:abc123/prod/GET/progress",
    "resource": "/progress", "path": "/progress", "httpMethod": "GET",
    "headers": {"authorization": "Basic YWxpY2U6cHc="},
    "queryStringParameters": {"user": "alice"},
    "requestContext": {"identity": {"sourceIp": "198.51.100.7"}}})");
  ASSERT_TRUE(std::holds_alternative<AuthorizerEvent>(event));
  const auto& a = std::get<AuthorizerEvent>(event);
  EXPECT_EQ(a.authorization, "Basic YWxpY2U6cHc=");
  EXPECT_EQ(a.user_parameter, "alice");
  EXPECT_EQ(a.resource_arn,
            "arn:aws:execute-api:ap-southeast-2:123456789012:abc123/prod/GET/progress");
  EXPECT_EQ(a.source_ip, "198.51.100.7");
}

TEST(LambdaEventsTest, TokenAuthorizerAndMissingHeader) {
  auto token =
      parseEvent(R"({"type": "TOKEN", "authorizationToken": "Basic eDp5", "methodArn": "arn:m"})");
  ASSERT_TRUE(std::holds_alternative<AuthorizerEvent>(token));
  EXPECT_EQ(std::get<AuthorizerEvent>(token).authorization, "Basic eDp5");
  auto missing = parseEvent(R"({"type": "REQUEST", "methodArn": "arn:m", "headers": null})");
  ASSERT_TRUE(std::holds_alternative<AuthorizerEvent>(missing));
  EXPECT_FALSE(std::get<AuthorizerEvent>(missing).authorization);
}

TEST(LambdaEventsTest, EventsOfNoKnownShapeAreExplained) {
  for (const char* text :
       {"", "not json", "[1, 2]", "{}", R"({"Records": [{"eventSource": "aws:sqs"}]})",
        R"({"version": "2.0", "rawPath": "/x"})", R"({"httpMethod": 3, "path": "/x"})",
        R"({"path": "/sync", "httpMethod": "POST", "body": "@@@", "isBase64Encoded": true})"}) {
    Event event = parseEvent(text);
    ASSERT_TRUE(std::holds_alternative<UnknownEvent>(event)) << text;
    EXPECT_FALSE(std::get<UnknownEvent>(event).reason.empty());
  }
}

TEST(LambdaEventsTest, ProxyResponsesInBothVersions) {
  http::Response response;
  response.status = 401;
  response.body = R"({"error": "Unauthorized"})";
  response.headers = {{"WWW-Authenticate", "Basic realm=\"x\""}, {"Vary", "a"}, {"Vary", "b"}};
  json::value v1 = json::parse(proxyResponse(response, PayloadVersion::kRestV1));
  EXPECT_EQ(v1, json::parse(R"({"statusCode": 401,
    "headers": {"Content-Type": "application/json; charset=utf-8",
                "WWW-Authenticate": "Basic realm=\"x\""},
    "multiValueHeaders": {"Vary": ["a", "b"]},
    "body": "{\"error\": \"Unauthorized\"}", "isBase64Encoded": false})"));
  json::value v2 = json::parse(proxyResponse(response, PayloadVersion::kHttpV2));
  EXPECT_EQ(v2, json::parse(R"({"statusCode": 401,
    "headers": {"content-type": "application/json; charset=utf-8",
                "www-authenticate": "Basic realm=\"x\"", "vary": "a,b"},
    "body": "{\"error\": \"Unauthorized\"}", "isBase64Encoded": false})"));
}

// API Gateway carries bodies as text: the dashboard's compressed files and pictures go
// base64-encoded, text stays as it is.
TEST(LambdaEventsTest, CompressedAndBinaryBodiesAreBase64Encoded) {
  http::Response gzip;
  gzip.content_type = "text/javascript; charset=utf-8";
  gzip.headers = {{"Content-Encoding", "gzip"}};
  gzip.body = std::string("\x1f\x8b\x08\x00", 4);
  json::value v2 = json::parse(proxyResponse(gzip, PayloadVersion::kHttpV2));
  EXPECT_EQ(v2.at("body"), "H4sIAA==");
  EXPECT_EQ(v2.at("isBase64Encoded"), true);
  EXPECT_EQ(v2.at("headers").at("content-encoding"), "gzip");

  http::Response picture;
  picture.content_type = "image/png";
  picture.body = std::string("\x89PNG", 4);
  json::value v1 = json::parse(proxyResponse(picture, PayloadVersion::kRestV1));
  EXPECT_EQ(v1.at("body"), "iVBORw==");
  EXPECT_EQ(v1.at("isBase64Encoded"), true);

  http::Response page;
  page.content_type = "text/html; charset=utf-8";
  page.body = "<!doctype html>";
  EXPECT_EQ(json::parse(proxyResponse(page, PayloadVersion::kHttpV2)).at("isBase64Encoded"), false);
}

TEST(LambdaEventsTest, AuthorizerPolicyAsTheOriginalReturnedIt) {
  EXPECT_EQ(json::parse(authorizerPolicy("alice", true, "arn:aws:execute-api:r:1:api/prod/GET/x")),
            json::parse(R"({"principalId": "alice",
      "policyDocument": {"Version": "2012-10-17", "Statement": [{"Action": "execute-api:Invoke",
        "Effect": "Allow", "Resource": "arn:aws:execute-api:r:1:api/prod/GET/x"}]},
      "context": {"username": "alice"}})"));
  json::value deny = json::parse(authorizerPolicy("anonymous", false, "arn:m"));
  EXPECT_EQ(deny.at("policyDocument").at("Statement").at(0).at("Effect"), "Deny");
  EXPECT_FALSE(deny.as_object().contains("context"));
}

}  // namespace
}  // namespace it::lambda
