// The HTTP front end, authentication, errors and metrics over real HTTP.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth/passwords.hpp"
#include "integration/server_fixture.hpp"
#include "support/raw_connection.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

json::value parse(const HttpResult& r) { return json::parse(r.body); }

const char* const kUpdate = R"({"username":"alice","tv_show":"Lost","season":1,"episode":2})";

using HttpServerTest = ServerTest;

TEST_F(HttpServerTest, HealthNeedsNoAuth) {
  HttpClient anonymous(baseUrl());
  auto r = anonymous.get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(parse(r), json::parse(R"({"status":"ok"})"));
  EXPECT_FALSE(r.header("x-request-id").empty());
}

TEST_F(HttpServerTest, UnknownPathAndWrongMethodAnswerJson) {
  HttpClient anonymous(baseUrl());
  auto r = anonymous.get("/no/such/thing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(parse(r), json::parse(R"({"error": "Endpoint not found"})"));
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");

  r = anonymous.request("DELETE", "/api/update_episode");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "POST");
  EXPECT_EQ(parse(r), json::parse(R"({"error": "Method not allowed"})"));
}

TEST_F(HttpServerTest, MissingOrWrongCredentialsGet401WithChallenge) {
  HttpClient client(baseUrl());
  auto r = client.get("/api/show_user?username=alice");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"), "Basic realm=\"immersion-tracker\"");
  EXPECT_EQ(parse(r), json::parse(R"({"error":"Authentication required"})"));

  for (auto [user, password] :
       {std::pair{"alice", "wrong"}, {"nobody", "alice-pass"}, {"alice", ""}, {"bad name", "x"}}) {
    client.setBasicAuth(user, password);
    r = client.get("/api/show_user?username=alice");
    EXPECT_EQ(r.status, 401) << user;
    EXPECT_EQ(parse(r), json::parse(R"({"error":"Invalid credentials"})"));
  }
  for (const char* header : {"Authorization: Basic !!!", "Authorization: Basic YWxpY2U=",
                             "Authorization: Digest abc", "Authorization: Bearer nope"}) {
    client.clearAuth();
    r = client.request("GET", "/api/show_user?username=alice", "", {header});
    EXPECT_EQ(r.status, 401) << header;
  }
}

TEST_F(HttpServerTest, PasswordsMayContainColons) {
  service_->store().setPasswordHash("bob", auth::hashPassword("a:b:c"));
  HttpClient bob(baseUrl());
  bob.setBasicAuth("bob", "a:b:c");
  EXPECT_EQ(bob.get("/api/show_user?username=bob").status, 200);
}

TEST_F(HttpServerTest, BearerTokensWorkUntilRevoked) {
  auto token = auth::generateToken();
  service_->store().addToken({token.id, "alice", "test", "2025-01-01T00:00:00.000000"}, token.hash);
  HttpClient client(baseUrl());
  client.setBearer(token.token);
  EXPECT_EQ(client.post("/api/update_episode", kUpdate).status, 201);
  EXPECT_EQ(client.get("/api/show_user?username=bob").status, 403);  // still alice
  EXPECT_EQ(service_->store().revokeTokens("alice", token.id), 1);
  EXPECT_EQ(client.get("/api/show_user?username=alice").status, 401);
}

TEST_F(HttpServerTest, ChangedPasswordAndRemovedUserTakeEffectAtOnce) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->get("/api/show_user?username=alice").status, 200);  // now cached
  service_->store().setPasswordHash("alice", auth::hashPassword("new-pass"));
  EXPECT_EQ(alice->get("/api/show_user?username=alice").status, 401);
  alice->setBasicAuth("alice", "new-pass");
  EXPECT_EQ(alice->get("/api/show_user?username=alice").status, 200);

  auto bob = clientFor("bob");
  ASSERT_EQ(bob->get("/api/show_user?username=bob").status, 200);
  ASSERT_TRUE(service_->store().removeUser("bob"));
  EXPECT_EQ(bob->get("/api/show_user?username=bob").status, 401);
}

TEST_F(HttpServerTest, RepeatedFailuresFromOneClientAreHeldBack) {
  HttpClient client(baseUrl());
  client.setBasicAuth("alice", "wrong");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client.get("/api/show_user?username=alice").status, 401);
  // The fourth failure in a row is delayed by at least 100 ms (a lower bound only).
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.get("/api/show_user?username=alice").status, 401);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  // A success clears the record.
  client.setBasicAuth("alice", "alice-pass");
  EXPECT_EQ(client.get("/api/show_user?username=alice").status, 200);
}

class SmallLimitsTest : public ServerTest {
  void adjust(app::Config& c) override {
    c.max_body_bytes = 1024;
    c.max_header_bytes = 2048;
  }
};

TEST_F(SmallLimitsTest, OversizedBodyGets413AndChangesNothing) {
  auto alice = clientFor("alice");
  std::string big = R"({"username":"alice","tv_show":"Lost","season":1,"episode":1,"pad":")" +
                    std::string(2000, 'x') + "\"}";
  auto r = alice->post("/api/update_episode", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(parse(r), json::parse(R"({"error":"Request body too large"})"));
  auto again = clientFor("alice");
  EXPECT_EQ(parse(again->get("/api/show_user?username=alice")).at("total_shows"), 0);
}

TEST_F(SmallLimitsTest, OversizedHeadersGet431) {
  HttpClient client(baseUrl());
  auto r = client.request("GET", "/healthz", "", {"X-Filler: " + std::string(4000, 'y')});
  EXPECT_EQ(r.status, 431);
}

class FewConnectionsTest : public ServerTest {
  void adjust(app::Config& c) override { c.max_connections = 2; }
};

TEST_F(FewConnectionsTest, ConnectionsOverTheCapGet503AndOthersKeepWorking) {
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n";
  RawConnection first(service_->port());
  RawConnection second(service_->port());
  // Both are served (so both are accepted and counted) and stay open (keep-alive).
  first.send(request);
  ASSERT_NE(first.readUntil(R"({"status":"ok"})").find("200 OK"), std::string::npos);
  second.send(request);
  ASSERT_NE(second.readUntil(R"({"status":"ok"})").find("200 OK"), std::string::npos);

  RawConnection third(service_->port());
  std::string refused = third.readUntil("Too many connections");
  EXPECT_NE(refused.find("HTTP/1.1 503"), std::string::npos) << refused;
  EXPECT_NE(refused.find(R"({"error":"Too many connections"})"), std::string::npos);

  first.send(request);  // the connections within the cap are unaffected
  EXPECT_NE(first.readUntil(R"({"status":"ok"})").find("200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, MetricsCountRequestsPerRouteMethodAndStatus) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->post("/api/update_episode", kUpdate).status, 201);
  ASSERT_EQ(alice->get("/api/show_episode?username=alice&tv_show=Lost").status, 200);
  ASSERT_EQ(alice->get("/api/show_episode?username=alice&tv_show=Nope").status, 404);
  ASSERT_EQ(alice->get("/nowhere").status, 404);

  auto r = HttpClient(baseUrl()).get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body;
  auto has = [&](const std::string& line) { return m.find(line + "\n") != std::string::npos; };
  EXPECT_TRUE(
      has(R"(http_requests_total{route="/api/update_episode",method="POST",status="201"} 1)"));
  EXPECT_TRUE(has(R"(http_requests_total{route="/api/show_episode",method="GET",status="200"} 1)"));
  EXPECT_TRUE(
      has(R"(http_request_errors_total{route="/api/show_episode",method="GET",status="404"} 1)"));
  EXPECT_TRUE(has(R"(http_request_errors_total{route="unmatched",method="GET",status="404"} 1)"));
  EXPECT_TRUE(has(
      R"(http_request_duration_seconds_count{route="/api/show_episode",method="GET",status="200"} 1)"));
  EXPECT_TRUE(has(
      R"(http_request_duration_seconds_bucket{route="/api/show_episode",method="GET",status="200",le="+Inf"} 1)"));
  EXPECT_EQ(
      m.find(R"(http_request_errors_total{route="/api/show_episode",method="GET",status="200"})"),
      std::string::npos);
}

TEST_F(HttpServerTest, StopFinishesAndRefusesNewConnections) {
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->post("/api/update_episode", kUpdate).status, 201);
  std::string url = baseUrl();
  service_->stop();
  service_->wait();
  HttpClient late(url);
  EXPECT_THROW(late.get("/healthz"), std::runtime_error);
  // What was acknowledged is in the store.
  EXPECT_TRUE(service_->store().getTvProgress("alice", "Lost").has_value());
}

}  // namespace
}  // namespace it::test
