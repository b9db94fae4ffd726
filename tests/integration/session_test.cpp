// Signing in with a cookie, as the web dashboard does, over real HTTP on both stores: the
// cookie's attributes, what it authenticates, sliding expiry, signing out, sessions ended by a
// password change or the user's removal, cross-site requests refused (CSRF), and no Basic
// challenge in the 401s the app's own requests get.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

json::value parse(const HttpResult& r) { return json::parse(r.body); }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class SessionTest : public ServerTest {
 protected:
  // What a page of the dashboard itself sends: its own origin.
  std::vector<std::string> fromTheApp(const std::string& cookie = "") {
    std::vector<std::string> headers{"Origin: " + baseUrl(), "Sec-Fetch-Site: same-origin",
                                     "Sec-Fetch-Mode: cors"};
    if (!cookie.empty()) headers.push_back("Cookie: " + cookie);
    return headers;
  }

  // Signs `user` in; the cookie to send back ("it_session=..."), or "" when refused.
  std::string signIn(const std::string& user, const std::string& password,
                     HttpResult* result = nullptr) {
    HttpClient browser(baseUrl());
    HttpResult r = browser.request(
        "POST", "/api/session",
        json::serialize(json::object{{"username", user}, {"password", password}}), fromTheApp());
    if (result != nullptr) *result = r;
    std::string set_cookie = r.header("set-cookie");
    if (r.status != 204 || set_cookie.empty()) return "";
    return set_cookie.substr(0, set_cookie.find(';'));
  }

  HttpResult withCookie(const std::string& method, const std::string& path,
                        const std::string& cookie, const std::string& body = "") {
    HttpClient browser(baseUrl());
    return browser.request(method, path, body, fromTheApp(cookie));
  }
};

TEST_F(SessionTest, SigningInSetsAHardenedCookieThatAuthenticatesEveryEndpoint) {
  HttpResult r;
  std::string cookie = signIn("alice", "alice-pass", &r);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  std::string set_cookie = r.header("set-cookie");
  EXPECT_TRUE(cookie.starts_with("it_session=")) << set_cookie;
  EXPECT_GE(cookie.size(), std::string("it_session=").size() + 40) << "a short session id";
  for (const char* attribute :
       {"; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=2592000"}) {
    EXPECT_TRUE(contains(set_cookie, attribute)) << set_cookie << " lacks " << attribute;
  }
  EXPECT_FALSE(contains(set_cookie, "Secure")) << "plain HTTP, no TLS proxy";

  r = withCookie("GET", "/api/me", cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("username"), "alice");
  EXPECT_EQ(withCookie("GET", "/progress", cookie).status, 200);
  EXPECT_EQ(withCookie("GET", "/api/show_user?username=alice", cookie).status, 200);
  EXPECT_EQ(withCookie("GET", "/api/users", cookie).status, 403);  // not an admin
  EXPECT_EQ(withCookie("POST", "/api/tokens", cookie, R"({"name": "from the app"})").status, 201);

  // Two sign-ins are two sessions.
  EXPECT_NE(signIn("alice", "alice-pass"), cookie);
}

TEST_F(SessionTest, BehindATlsProxyTheCookieIsSecure) {
  HttpClient browser(baseUrl());
  auto headers = fromTheApp();
  headers.push_back("X-Forwarded-Proto: https");
  HttpResult r = browser.request("POST", "/api/session",
                                 R"({"username": "alice", "password": "alice-pass"})", headers);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(contains(r.header("set-cookie"), "; Secure")) << r.header("set-cookie");
}

TEST_F(SessionTest, WrongCredentialsGetA401WithoutACookieOrABasicChallenge) {
  struct Case {
    const char* user;
    const char* password;
    long status;
  };
  for (const Case& c :
       {Case{"alice", "wrong", 401}, Case{"nobody", "alice-pass", 401}, Case{"", "x", 400}}) {
    HttpResult r;
    EXPECT_EQ(signIn(c.user, c.password, &r), "");
    EXPECT_EQ(r.status, c.status) << c.user << ": " << r.body;
    EXPECT_EQ(r.header("set-cookie"), "");
    EXPECT_EQ(r.header("www-authenticate"), "") << "a browser would pop up its password dialog";
  }
  HttpClient browser(baseUrl());
  EXPECT_EQ(browser.request("POST", "/api/session", "{}", fromTheApp()).status, 400);
  EXPECT_EQ(
      browser.request("POST", "/api/session", R"({"username": "alice"})", fromTheApp()).status,
      400);
}

TEST_F(SessionTest, OnlyTheAppsOwnPagesMayChangeThingsWithTheCookie) {
  std::string cookie = signIn("alice", "alice-pass");
  ASSERT_FALSE(cookie.empty());
  HttpClient browser(baseUrl());
  const std::string body = R"({"name": "x"})";
  for (const auto& headers : std::vector<std::vector<std::string>>{
           {"Cookie: " + cookie, "Origin: https://evil.example", "Sec-Fetch-Site: cross-site"},
           {"Cookie: " + cookie, "Origin: https://evil.example"},
           {"Cookie: " + cookie, "Sec-Fetch-Site: same-site"},
           {"Cookie: " + cookie, "Origin: null"},
           {"Cookie: " + cookie}}) {
    HttpResult r = browser.request("POST", "/api/tokens", body, headers);
    EXPECT_EQ(r.status, 403) << headers.back() << " → " << r.body;
  }
  EXPECT_EQ(parse(withCookie("GET", "/api/tokens", cookie)).at("tokens"), json::array());
  // The app's own origin, said either way.
  EXPECT_EQ(
      browser.request("POST", "/api/tokens", body, {"Cookie: " + cookie, "Origin: " + baseUrl()})
          .status,
      201);
  EXPECT_EQ(browser
                .request("POST", "/api/tokens", body,
                         {"Cookie: " + cookie, "Sec-Fetch-Site: same-origin"})
                .status,
            201);
  // A signed-in page on another site cannot sign anyone in either.
  EXPECT_EQ(
      browser
          .request("POST", "/api/session", R"({"username": "alice", "password": "alice-pass"})",
                   {"Origin: https://evil.example", "Sec-Fetch-Site: cross-site"})
          .status,
      403);
  // Clients that are not browsers send no Origin: no such check.
  EXPECT_EQ(clientFor("alice")->post("/api/tokens", body).status, 201);
}

// A browser also keeps a password typed into its Basic dialog and sends it to this server
// whoever's page asks: changes with it from another site's page are refused too, before the
// password is checked. Bearer tokens are never sent by a browser on its own.
TEST_F(SessionTest, ChangesWithBasicCredentialsFromAnotherSitesPageAreRefused) {
  auto alice = clientFor("alice");
  const std::vector<std::string> evil{"Origin: https://evil.example", "Sec-Fetch-Site: cross-site"};
  auto r = alice->request("POST", "/api/tokens", R"({"name": "x"})", evil);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(clientFor("root")
                ->request("POST", "/api/users", R"({"username": "x", "password": "p"})", evil)
                .status,
            403);
  EXPECT_EQ(alice->request("GET", "/api/tokens", "", evil).status, 200);  // reads are harmless
  EXPECT_EQ(parse(alice->get("/api/tokens")).at("tokens"), json::array());

  r = alice->post("/api/tokens", R"({"name": "script"})");
  ASSERT_EQ(r.status, 201) << r.body;
  HttpClient by_token(baseUrl());
  by_token.setBearer(std::string(parse(r).at("token").as_string()));
  EXPECT_EQ(by_token.request("POST", "/api/tokens", R"({"name": "y"})", evil).status, 201);
}

TEST_F(SessionTest, TwoSessionCookiesAreNeitherTrusted) {
  std::string alice = signIn("alice", "alice-pass");
  std::string bob = signIn("bob", "bob-pass");
  HttpClient browser(baseUrl());
  // A sibling subdomain of the same site may have set one of them: which is ours is unknown.
  auto r = browser.request("GET", "/api/me", "", {"Cookie: " + bob + "; " + alice});
  EXPECT_EQ(r.status, 401) << r.body;
}

TEST_F(SessionTest, ASignInBodyIsSmallOrRefusedUnread) {
  std::string big = R"({"username": "alice", "password": "alice-pass", "pad": ")" +
                    std::string(8000, 'x') + "\"}";
  HttpClient browser(baseUrl());
  // Refused from its Content-Length (4 KiB at most), before a byte of it is read.
  EXPECT_EQ(browser.request("POST", "/api/session", big, fromTheApp()).status, 413);
}

TEST_F(SessionTest, TheAppsOwnRequestsGetNoBasicChallengeOthersStillDo) {
  HttpClient browser(baseUrl());
  HttpResult r = browser.request("GET", "/api/me", "", fromTheApp());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"), "");
  r = browser.request("GET", "/api/me", "", fromTheApp("it_session=made-up"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"), "");
  // curl, the sync client, a browser opening the URL: the challenge as before.
  r = browser.get("/api/me");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate"), "Basic realm=\"immersion-tracker\"");
  r = browser.request("GET", "/api/me", "", {"Sec-Fetch-Mode: navigate"});
  EXPECT_EQ(r.header("www-authenticate"), "Basic realm=\"immersion-tracker\"");
}

TEST_F(SessionTest, SigningOutForgetsTheSession) {
  std::string cookie = signIn("alice", "alice-pass");
  std::string other = signIn("alice", "alice-pass");
  HttpResult r = withCookie("DELETE", "/api/session", cookie);
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(contains(r.header("set-cookie"), "it_session=;")) << r.header("set-cookie");
  EXPECT_TRUE(contains(r.header("set-cookie"), "Max-Age=0")) << r.header("set-cookie");
  EXPECT_EQ(withCookie("GET", "/api/me", cookie).status, 401);
  EXPECT_EQ(withCookie("GET", "/api/me", other).status, 200);  // another device stays in
}

TEST_F(SessionTest, SessionsSlideForThirtyDaysOfUse) {
  std::string cookie = signIn("alice", "alice-pass");
  clock_.advance(std::chrono::hours(24 * 29));
  HttpResult r = withCookie("GET", "/api/me", cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  // Used again: another 30 days, and the browser is told so.
  EXPECT_TRUE(contains(r.header("set-cookie"), cookie + ";")) << r.header("set-cookie");
  EXPECT_TRUE(contains(r.header("set-cookie"), "Max-Age=2592000"));
  clock_.advance(std::chrono::hours(24 * 29));
  EXPECT_EQ(withCookie("GET", "/api/me", cookie).status, 200);
  // Unused for over 30 days: gone.
  clock_.advance(std::chrono::hours(24 * 31));
  EXPECT_EQ(withCookie("GET", "/api/me", cookie).status, 401);
}

TEST_F(SessionTest, AChangedPasswordEndsEverySessionButTheOneThatChangedIt) {
  std::string laptop = signIn("alice", "alice-pass");
  std::string phone = signIn("alice", "alice-pass");
  HttpResult r = withCookie("PUT", "/api/me/password", laptop,
                            R"({"current_password": "alice-pass", "new_password": "n3w-pass"})");
  ASSERT_EQ(r.status, 204) << r.body;
  std::string renewed = r.header("set-cookie").substr(0, r.header("set-cookie").find(';'));
  EXPECT_TRUE(renewed.starts_with("it_session=")) << r.header("set-cookie");
  EXPECT_NE(renewed, laptop);
  EXPECT_EQ(withCookie("GET", "/api/me", renewed).status, 200);
  EXPECT_EQ(withCookie("GET", "/api/me", laptop).status, 401);
  EXPECT_EQ(withCookie("GET", "/api/me", phone).status, 401);
  EXPECT_EQ(signIn("alice", "alice-pass"), "");
  EXPECT_NE(signIn("alice", "n3w-pass"), "");
}

TEST_F(SessionTest, ARemovedUsersSessionsEnd) {
  std::string cookie = signIn("bob", "bob-pass");
  ASSERT_EQ(withCookie("GET", "/api/me", cookie).status, 200);
  ASSERT_EQ(clientFor("root")->request("DELETE", "/api/users/bob").status, 204);
  EXPECT_EQ(withCookie("GET", "/api/me", cookie).status, 401);
}

}  // namespace
}  // namespace it::test
