// `immersion-tracker lambda` run as Lambda runs a custom runtime's bootstrap: a Runtime API
// (a fake on a loopback port) hands it recorded API Gateway events, REST v1 and HTTP API v2,
// the original's REQUEST authorizer event and malformed ones, and the answers it posts back
// are checked: the same router and handlers as `serve`, on SQLite and on DynamoDB (moto).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <iostream>

#include "api/web/bundle.hpp"
#include "auth/passwords.hpp"
#include "e2e/server_process.hpp"
#include "fakes/fake_lambda_runtime.hpp"
#include "fakes/fake_providers.hpp"
#include "support/moto_server.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"
#include "util/encoding.hpp"

namespace it::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + base64Encode(user + ":" + password);
}

// A REST API (v1) proxy event, as API Gateway sends for the original's routes.
std::string restEvent(const std::string& method, const std::string& path, const json::object& query,
                      const std::string& authorization, const std::string& body = "",
                      const json::object& more_headers = {}) {
  json::object headers{{"Host", "abc123.execute-api.ap-southeast-2.amazonaws.com"},
                       {"User-Agent", "python-requests/2.32.3"}};
  if (!authorization.empty()) headers["Authorization"] = authorization;
  // As python-requests sends json= bodies (the server takes writes only as JSON).
  if (!body.empty()) headers["Content-Type"] = "application/json";
  for (const auto& [name, value] : more_headers) headers[name] = value;
  json::object multi_query;
  for (const auto& [k, v] : query) multi_query[k] = json::array{v};
  json::object event{
      {"resource", path},
      {"path", path},
      {"httpMethod", method},
      {"headers", headers},
      {"queryStringParameters", query.empty() ? json::value(nullptr) : json::value(query)},
      {"multiValueQueryStringParameters",
       query.empty() ? json::value(nullptr) : json::value(multi_query)},
      {"requestContext",
       {{"requestId", "deef4878-7910-11e6-8f14-25afc3e9ae33"},
        {"stage", "prod"},
        {"identity", {{"sourceIp", "198.51.100.7"}}}}},
      {"body", body.empty() ? json::value(nullptr) : json::value(body)},
      {"isBase64Encoded", false}};
  return json::serialize(event);
}

// An HTTP API (v2) event with a base64 body, as API Gateway sends for binary media types.
std::string httpV2Event(const std::string& method, const std::string& path,
                        const std::string& authorization, const std::string& body) {
  json::object event{
      {"version", "2.0"},
      {"routeKey", "$default"},
      {"rawPath", path},
      {"rawQueryString", ""},
      {"headers", {{"authorization", authorization}, {"content-type", "application/json"}}},
      {"requestContext",
       {{"requestId", "JKJaXmPLvHcESHA="},
        {"stage", "$default"},
        {"http", {{"method", method}, {"path", path}, {"sourceIp", "192.0.2.1"}}}}},
      {"body", base64Encode(body)},
      {"isBase64Encoded", true}};
  return json::serialize(event);
}

std::string authorizerEvent(const std::optional<std::string>& authorization,
                            const std::optional<std::string>& user = std::nullopt) {
  json::object headers;
  if (authorization) headers["Authorization"] = *authorization;
  json::object event{
      {"type", "REQUEST"},
      {"methodArn", "arn:aws:execute-api:ap-southeast-2:123456789012:abc123/prod/GET/progress"},
      {"resource", "/progress"},
      {"path", "/progress"},
      {"httpMethod", "GET"},
      {"headers", headers},
      {"queryStringParameters", user ? json::value(json::object{{"user", *user}}) : nullptr},
      {"requestContext", {{"identity", {{"sourceIp", "198.51.100.7"}}}}}};
  return json::serialize(event);
}

class LambdaE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.set("AWS_LAMBDA_RUNTIME_API", runtime_.address());
    env_.unset("IMMERSION_TRACKER_STORE");
    env_.unset("IMMERSION_TRACKER_SECRET_ID");
    env_.unset("IMMERSION_TRACKER_SECRETS_FILE");
    env_.set("IMMERSION_TRACKER_TIME_ZONE", "UTC");
  }

  // Adds a user through the CLI, on the store the runtime will use.
  void addUser(const std::vector<std::string>& store_args, const std::string& name,
               const std::string& password) {
    std::vector<std::string> argv{IT_BINARY};
    argv.insert(argv.end(), store_args.begin(), store_args.end());
    argv.insert(argv.end(), {"user", "add", name});
    auto r = run(argv, password + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void startRuntime(const std::vector<std::string>& store_args) {
    std::vector<std::string> argv{IT_BINARY};
    argv.insert(argv.end(), store_args.begin(), store_args.end());
    argv.push_back("lambda");
    started_ = std::chrono::steady_clock::now();
    process_ = std::make_unique<Process>(argv);
  }

  // Sends one event and waits for what the runtime posts back.
  FakeLambdaRuntime::Answer invoke(const std::string& event) {
    std::string id = runtime_.addEvent(event);
    auto answer = runtime_.waitForAnswer(id, 20s);
    EXPECT_TRUE(answer.has_value())
        << "no answer to " << event << "\nstderr: " << (process_ ? process_->err() : "")
        << "\nstdout: " << (process_ ? process_->out() : "");
    return answer.value_or(FakeLambdaRuntime::Answer{});
  }

  // The proxy response of an invocation, checked for its shape.
  json::object proxy(const std::string& event) {
    FakeLambdaRuntime::Answer answer = invoke(event);
    EXPECT_FALSE(answer.error) << answer.body;
    json::value v = json::parse(answer.body);
    EXPECT_TRUE(v.is_object()) << answer.body;
    if (!v.is_object()) return {};
    json::object& o = v.as_object();
    EXPECT_TRUE(o.contains("statusCode") && o.contains("body") && o.contains("headers"))
        << answer.body;
    // Text (every JSON answer) as it is; only compressed or binary bodies base64-encoded.
    bool text = o.contains("headers") && !o["headers"].as_object().contains("Content-Encoding") &&
                !o["headers"].as_object().contains("content-encoding");
    if (text) EXPECT_EQ(o["isBase64Encoded"], false) << answer.body;
    return o;
  }

  static json::value bodyOf(const json::object& response) {
    return json::parse(response.at("body").as_string());
  }

  // Cold start: from starting the process to its first invocation/next, as Lambda measures
  // a custom runtime's init.
  void reportColdStart(const char* store) {
    auto first = runtime_.firstNextAt();
    ASSERT_TRUE(first.has_value());
    double ms = std::chrono::duration<double, std::milli>(*first - started_).count();
    std::cout << "[ cold start ] " << store << ": " << ms << " ms to the first invocation/next\n";
    RecordProperty(std::string("cold_start_ms_") + store, std::to_string(ms));
  }

  // The same flow on any store: the original's routes of both services, both payload
  // versions, the authorizer, and events that are not API Gateway's.
  void exerciseEveryKindOfEvent(const std::vector<std::string>& store_args) {
    ASSERT_NO_FATAL_FAILURE(addUser(store_args, "alice", "alice:pass"));
    ASSERT_NO_FATAL_FAILURE(addUser(store_args, "bob", "bob-pass"));
    startRuntime(store_args);
    const std::string alice = basic("alice", "alice:pass");

    // TV progress (the Flask original's routes), REST v1.
    json::object created = proxy(
        restEvent("POST", "/api/update_episode", {}, alice,
                  R"({"username": "alice", "tv_show": "Frieren", "season": 1, "episode": 7})"));
    EXPECT_EQ(created["statusCode"], 201) << json::serialize(created);
    json::object shown = proxy(restEvent("GET", "/api/show_episode",
                                         {{"username", "alice"}, {"tv_show", "Frieren"}}, alice));
    EXPECT_EQ(shown["statusCode"], 200);
    EXPECT_EQ(bodyOf(shown).at("episode"), 7);
    EXPECT_EQ(shown["headers"].at("Content-Type"), "application/json; charset=utf-8");
    reportColdStart(store_args.size() > 1 && store_args[1] == "dynamodb" ? "dynamodb" : "sqlite");

    // Immersion (the Lambda original's routes): a sync through HTTP API v2 with a base64 body.
    json::object synced = proxy(
        httpV2Event("POST", "/sync", alice,
                    R"({"episodes": [{"folder_name": "葬送のフリーレン", "file_name": "01.mkv"},
                         {"folder_name": "葬送のフリーレン", "file_name": "02.mkv"}]})"));
    EXPECT_EQ(synced["statusCode"], 200) << json::serialize(synced);
    EXPECT_EQ(bodyOf(synced), json::parse(R"({"episodes_added": 2})"));
    EXPECT_EQ(synced["headers"].at("content-type"), "application/json; charset=utf-8");
    json::object progress = proxy(restEvent("GET", "/progress", {{"user", "alice"}}, alice));
    EXPECT_EQ(progress["statusCode"], 200);
    EXPECT_EQ(bodyOf(progress).at("total_episodes_watched"), 2);
    json::object shows = proxy(restEvent("GET", "/shows", {}, alice));
    EXPECT_EQ(bodyOf(shows).at("shows").at(0).at("folder_name"), "葬送のフリーレン");

    // Errors come out as they do from `serve`.
    json::object anonymous = proxy(restEvent("GET", "/progress", {}, ""));
    EXPECT_EQ(anonymous["statusCode"], 401);
    EXPECT_TRUE(anonymous["headers"].as_object().contains("WWW-Authenticate"))
        << json::serialize(anonymous);
    json::object other =
        proxy(restEvent("GET", "/api/show_user", {{"username", "bob"}}, alice));  // someone else's
    EXPECT_EQ(other["statusCode"], 403);
    EXPECT_EQ(proxy(restEvent("GET", "/nowhere", {}, alice))["statusCode"], 404);
    EXPECT_EQ(proxy(restEvent("POST", "/sync", {}, alice, "{not json"))["statusCode"], 400);

    // The original's REQUEST authorizer.
    auto policy = [&](const std::string& event) {
      FakeLambdaRuntime::Answer a = invoke(event);
      EXPECT_FALSE(a.error) << a.body;
      return json::parse(a.body);
    };
    json::value allowed = policy(authorizerEvent(alice, "alice"));
    EXPECT_EQ(allowed.at("principalId"), "alice");
    EXPECT_EQ(allowed.at("policyDocument"), json::parse(R"({"Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow",
        "Resource": "arn:aws:execute-api:ap-southeast-2:123456789012:abc123/prod/GET/progress"}]})"));
    EXPECT_EQ(policy(authorizerEvent(basic("alice", "wrong")))
                  .at("policyDocument")
                  .at("Statement")
                  .at(0)
                  .at("Effect"),
              "Deny");
    EXPECT_EQ(policy(authorizerEvent(alice, "bob"))
                  .at("policyDocument")
                  .at("Statement")
                  .at(0)
                  .at("Effect"),
              "Deny");  // ?user= names someone else
    FakeLambdaRuntime::Answer missing = invoke(authorizerEvent(std::nullopt));
    EXPECT_TRUE(missing.error);  // API Gateway answers 401 to "Unauthorized"
    EXPECT_EQ(json::parse(missing.body).at("errorMessage"), "Unauthorized");

    // Events that are not API Gateway's get a clear answer, and the runtime goes on.
    for (const char* event : {"[1, 2, 3]", R"({"Records": [{"eventSource": "aws:sqs"}]})",
                              R"({"path": "/sync", "httpMethod": "POST", "body": "%%",
                                  "isBase64Encoded": true})"}) {
      json::object bad = proxy(event);
      EXPECT_EQ(bad["statusCode"], 400) << event;
      EXPECT_TRUE(bodyOf(bad).at("error").as_string().starts_with("Bad event: ")) << event;
    }
    EXPECT_EQ(proxy(restEvent("GET", "/healthz", {}, ""))["statusCode"], 200);
  }

  TempDir data_;
  ScopedEnv env_;
  FakeLambdaRuntime runtime_;
  std::chrono::steady_clock::time_point started_;
  std::unique_ptr<Process> process_;
};

TEST_F(LambdaE2E, EveryKindOfEventOnSqlite) {
  exerciseEveryKindOfEvent({"--data-dir", data_.path()});
}

TEST_F(LambdaE2E, EveryKindOfEventOnDynamoDb) {
  if (!MotoServer::available()) GTEST_SKIP() << "moto_server is not installed";
  MotoServer moto;
  TempDir home;
  env_.onlyMoto(moto.url(), home.path());
  env_.set("AWS_LAMBDA_RUNTIME_API", runtime_.address());
  env_.set("IMMERSION_TRACKER_TIME_ZONE", "UTC");
  auto created = run({IT_BINARY, "dynamodb", "create-tables"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  exerciseEveryKindOfEvent({"--store", "dynamodb"});
}

// CORS in Lambda mode, as with `serve`: a browser's preflight, and every answer to an allowed
// origin, say so; other origins get nothing.
TEST_F(LambdaE2E, BrowsersOfAllowedOriginsGetCorsHeaders) {
  env_.set("IMMERSION_TRACKER_CORS_ALLOWED_ORIGINS",
           " https://tracker.example.com , http://localhost:5173");
  ASSERT_NO_FATAL_FAILURE(addUser({"--data-dir", data_.path()}, "alice", "alice-pass"));
  startRuntime({"--data-dir", data_.path()});
  const json::object dashboard{{"Origin", "https://tracker.example.com"}};

  json::object preflight = proxy(
      restEvent("OPTIONS", "/progress", {}, "", "",
                {{"Origin", "http://localhost:5173"}, {"Access-Control-Request-Method", "GET"}}));
  EXPECT_EQ(preflight["statusCode"], 204) << json::serialize(preflight);
  const json::object& headers = preflight["headers"].as_object();
  EXPECT_EQ(headers.at("Access-Control-Allow-Origin"), "http://localhost:5173");
  EXPECT_EQ(headers.at("Access-Control-Allow-Methods"), "GET");
  EXPECT_EQ(headers.at("Access-Control-Allow-Headers"), "Authorization, Content-Type");
  EXPECT_FALSE(headers.contains("Content-Type"));

  json::object ok =
      proxy(restEvent("GET", "/progress", {}, basic("alice", "alice-pass"), "", dashboard));
  EXPECT_EQ(ok["statusCode"], 200);
  EXPECT_EQ(ok["headers"].at("Access-Control-Allow-Origin"), "https://tracker.example.com");
  EXPECT_EQ(ok["headers"].at("Vary"), "Origin");
  json::object unauthenticated = proxy(restEvent("GET", "/progress", {}, "", "", dashboard));
  EXPECT_EQ(unauthenticated["statusCode"], 401);
  EXPECT_EQ(unauthenticated["headers"].at("Access-Control-Allow-Origin"),
            "https://tracker.example.com");

  json::object other = proxy(restEvent("GET", "/progress", {}, basic("alice", "alice-pass"), "",
                                       {{"Origin", "https://elsewhere.example"}}));
  EXPECT_EQ(other["statusCode"], 200);
  EXPECT_FALSE(other["headers"].as_object().contains("Access-Control-Allow-Origin"));
}

// Movies from TMDB in Lambda mode, as with `serve`: the sync client's questions (which database,
// suggestions), today's sync with tmdb_id and a movie watched without a file.
TEST_F(LambdaE2E, TmdbMoviesAsWithServe) {
  FakeProviders fake;
  fake.addTmdbMovie(372058, "君の名は。", "Your Name.", "/q719jXXEzOoYaps6babgKnONONX.jpg", 106);
  fake.addTmdbMovie(129, "千と千尋の神隠し", "Spirited Away", std::nullopt, 125);
  for (const auto& [name, value] : fake.tmdbEnvironment()) env_.set(name, value);
  ASSERT_NO_FATAL_FAILURE(addUser({"--data-dir", data_.path()}, "alice", "alice-pass"));
  startRuntime({"--data-dir", data_.path()});
  const std::string alice = basic("alice", "alice-pass");

  json::object providers = proxy(restEvent("GET", "/api/providers", {}, alice));
  EXPECT_EQ(providers["statusCode"], 200) << json::serialize(providers);
  EXPECT_EQ(bodyOf(providers).at("movie_database"), "tmdb");
  json::object found = proxy(restEvent("GET", "/tmdb/search", {{"query", "your name"}}, alice));
  EXPECT_EQ(bodyOf(found).at("results").at(0).at("tmdb_id"), 372058) << json::serialize(found);
  json::object synced =
      proxy(httpV2Event("POST", "/syncmovies", alice,
                        R"({"movies": [{"file_name": "your_name", "tmdb_id": 372058}]})"));
  EXPECT_EQ(bodyOf(synced), json::parse(R"({"movies_added": 1, "failed": []})"));
  json::object added = proxy(restEvent("POST", "/api/movies", {}, alice, R"({"tmdb_id": 129})"));
  EXPECT_EQ(added["statusCode"], 201) << json::serialize(added);
  json::object progress = proxy(restEvent("GET", "/progress", {}, alice));
  EXPECT_EQ(bodyOf(progress).at("movies"), json::parse(R"([
      {"movie_id": "manual_tmdb_129", "name": "千と千尋の神隠し", "artwork_url": null},
      {"movie_id": "your_name", "name": "君の名は。",
       "artwork_url": "https://image.tmdb.org/t/p/w500/q719jXXEzOoYaps6babgKnONONX.jpg"}])"));
}

// Signing in with a cookie in Lambda mode, as with `serve`: API Gateway forwards the Cookie
// header and the Set-Cookie answer; the cookie is Secure (API Gateway speaks HTTPS).
TEST_F(LambdaE2E, BrowsersSignInWithASessionCookie) {
  ASSERT_NO_FATAL_FAILURE(addUser({"--data-dir", data_.path()}, "alice", "alice-pass"));
  startRuntime({"--data-dir", data_.path()});
  const json::object own_page{{"Origin", "https://abc123.execute-api.ap-southeast-2.amazonaws.com"},
                              {"X-Forwarded-Proto", "https"}};
  json::object signed_in =
      proxy(restEvent("POST", "/api/session", {}, "",
                      R"({"username": "alice", "password": "alice-pass"})", own_page));
  ASSERT_EQ(signed_in["statusCode"], 204) << json::serialize(signed_in);
  std::string set_cookie(signed_in["headers"].at("Set-Cookie").as_string());
  EXPECT_NE(set_cookie.find("; Secure"), std::string::npos) << set_cookie;
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));

  json::object me = proxy(restEvent("GET", "/api/me", {}, "", "", {{"Cookie", cookie}}));
  EXPECT_EQ(me["statusCode"], 200) << json::serialize(me);
  EXPECT_EQ(bodyOf(me).at("username"), "alice");
  json::object cross_site =
      proxy(restEvent("POST", "/api/tokens", {}, "", R"({"name": "x"})",
                      {{"Cookie", cookie}, {"Origin", "https://evil.example"}}));
  EXPECT_EQ(cross_site["statusCode"], 403);
}

// The dashboard through API Gateway: pages as text, compressed files base64-encoded (API
// Gateway decodes them for the browser).
TEST_F(LambdaE2E, ServesTheDashboard) {
  startRuntime({"--data-dir", data_.path()});
  json::object page = proxy(restEvent("GET", "/", {}, "", "", {}));
  EXPECT_EQ(page["statusCode"], 200);
  EXPECT_EQ(page["isBase64Encoded"], false);
  EXPECT_EQ(page["headers"].at("Cache-Control"), "no-cache");
  EXPECT_NE(std::string(page["body"].as_string()).find("<title>"), std::string::npos);

  for (const auto& file : api::web::embeddedBundle().files) {
    if (file.gzip.empty() || file.path == "/index.html") continue;  // the page answers at "/"
    json::object gzip =
        proxy(restEvent("GET", std::string(file.path), {}, "", "", {{"Accept-Encoding", "gzip"}}));
    EXPECT_EQ(gzip["statusCode"], 200) << file.path;
    EXPECT_EQ(gzip["isBase64Encoded"], true);
    EXPECT_EQ(gzip["headers"].at("Content-Encoding"), "gzip");
    EXPECT_EQ(base64Decode(std::string(gzip["body"].as_string())), std::string(file.gzip));
  }
}

TEST_F(LambdaE2E, AFailureToStartIsPostedAsAnInitError) {
  if (!MotoServer::available()) GTEST_SKIP() << "moto_server is not installed";
  MotoServer moto;  // no tables
  TempDir home;
  env_.onlyMoto(moto.url(), home.path());
  env_.set("AWS_LAMBDA_RUNTIME_API", runtime_.address());
  startRuntime({"--store", "dynamodb"});
  auto error = runtime_.waitForInitError(20s);
  ASSERT_TRUE(error.has_value()) << process_->err();
  EXPECT_EQ(error->error_type, "Runtime.InitError");
  json::value body = json::parse(error->body);
  EXPECT_EQ(body.at("errorType"), "Runtime.InitError");
  EXPECT_NE(body.at("errorMessage").as_string().find("immersion_tracker"), std::string::npos)
      << error->body;
  EXPECT_EQ(process_->wait(), 1);
  EXPECT_EQ(runtime_.nextRequests(), 0);
}

TEST_F(LambdaE2E, OutsideLambdaItSaysWhatItIsFor) {
  env_.unset("AWS_LAMBDA_RUNTIME_API");
  auto r = run({IT_BINARY, "--data-dir", data_.path(), "lambda"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("AWS_LAMBDA_RUNTIME_API is not set"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace it::test
