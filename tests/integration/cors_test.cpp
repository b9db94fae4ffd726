// Browsers (CORS): pages from the configured origins may call the API. Every answer to such a
// page, errors and 401s included, says so; a preflight OPTIONS is answered without
// credentials; other origins, and servers with no origins configured, get no CORS headers.
// Runs on SQLite and on DynamoDB.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

constexpr const char* kDashboard = "https://tracker.example.com";
constexpr const char* kLocalDev = "http://localhost:5173";

class CorsTest : public ServerTest {
  void adjust(app::Config& c) override { c.cors_allowed_origins = {kDashboard, kLocalDev}; }
};

std::vector<std::string> from(const std::string& origin) { return {"Origin: " + origin}; }

void expectAllowed(const HttpResult& r, const std::string& origin) {
  EXPECT_EQ(r.header("access-control-allow-origin"), origin) << r.status << " " << r.body;
  EXPECT_EQ(r.header("vary"), "Origin");
  EXPECT_EQ(r.header("access-control-expose-headers"), "Retry-After, X-Request-Id");
}

void expectNoCors(const HttpResult& r) {
  for (const auto& [name, value] : r.headers) {
    EXPECT_EQ(name.rfind("access-control-", 0), std::string::npos) << name << ": " << value;
    EXPECT_NE(name, "vary") << value;
  }
}

TEST_F(CorsTest, APreflightIsAnsweredWithoutCredentials) {
  HttpClient anonymous(baseUrl());
  auto r = anonymous.request(
      "OPTIONS", "/progress", "",
      {"Origin: https://tracker.example.com", "Access-Control-Request-Method: GET",
       "Access-Control-Request-Headers: authorization"});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.body, "");
  expectAllowed(r, kDashboard);
  EXPECT_EQ(r.header("access-control-allow-methods"), "GET");
  EXPECT_EQ(r.header("access-control-allow-headers"), "Authorization, Content-Type");
  EXPECT_EQ(r.header("access-control-max-age"), "7200");
  EXPECT_EQ(r.header("content-type"), "");

  // A path with several methods lists them all; the second origin is allowed too.
  r = anonymous.request("OPTIONS", "/show", "", from(kLocalDev));
  EXPECT_EQ(r.status, 204);
  expectAllowed(r, kLocalDev);
  EXPECT_EQ(r.header("access-control-allow-methods"), "PUT");
  r = anonymous.request("OPTIONS", "/api/show_episode", "", from(kDashboard));
  EXPECT_EQ(r.status, 204);
  EXPECT_NE(r.header("access-control-allow-methods").find("GET"), std::string::npos);
}

TEST_F(CorsTest, EveryAnswerToAnAllowedOriginSaysSoErrorsIncluded) {
  auto alice = clientFor("alice");
  auto ok = alice->request("GET", "/progress", "", from(kDashboard));
  EXPECT_EQ(ok.status, 200);
  expectAllowed(ok, kDashboard);

  auto bad = alice->request("POST", "/sync", "{", from(kDashboard));
  EXPECT_EQ(bad.status, 400);
  expectAllowed(bad, kDashboard);

  auto missing = alice->request("GET", "/no-such-endpoint", "", from(kDashboard));
  EXPECT_EQ(missing.status, 404);
  expectAllowed(missing, kDashboard);

  HttpClient anonymous(baseUrl());
  auto unauthenticated = anonymous.request("GET", "/progress", "", from(kDashboard));
  EXPECT_EQ(unauthenticated.status, 401);
  expectAllowed(unauthenticated, kDashboard);
  EXPECT_NE(unauthenticated.header("www-authenticate"), "");

  anonymous.setBasicAuth("alice", "wrong");
  auto rejected = anonymous.request("GET", "/progress", "", from(kDashboard));
  EXPECT_EQ(rejected.status, 401);
  expectAllowed(rejected, kDashboard);
}

TEST_F(CorsTest, OtherOriginsGetNoCorsHeaders) {
  auto alice = clientFor("alice");
  for (const char* origin : {"https://evil.example", "https://tracker.example.com/",
                             "https://TRACKER.example.com", "null"}) {
    auto r = alice->request("GET", "/progress", "", from(origin));
    EXPECT_EQ(r.status, 200) << origin;
    expectNoCors(r);
    HttpClient anonymous(baseUrl());
    auto preflight = anonymous.request("OPTIONS", "/progress", "", from(origin));
    EXPECT_EQ(preflight.status, 405) << origin;
    expectNoCors(preflight);
  }
  auto plain = alice->get("/progress");  // no Origin: not a browser's cross-origin call
  EXPECT_EQ(plain.status, 200);
  expectNoCors(plain);
}

using NoCorsTest = ServerTest;

TEST_F(NoCorsTest, WithoutAllowedOriginsNothingChanges) {
  auto alice = clientFor("alice");
  auto r = alice->request("GET", "/progress", "", from(kDashboard));
  EXPECT_EQ(r.status, 200);
  expectNoCors(r);
  HttpClient anonymous(baseUrl());
  auto preflight = anonymous.request("OPTIONS", "/progress", "", from(kDashboard));
  EXPECT_EQ(preflight.status, 405);
  EXPECT_EQ(preflight.header("allow"), "GET");
  expectNoCors(preflight);
}

}  // namespace
}  // namespace it::test
