#include "fakes/fake_lambda_runtime.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/http_client.hpp"
#include "support/raw_connection.hpp"

namespace it::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kNext = "/2018-06-01/runtime/invocation/next";

std::string responsePath(const std::string& id) {
  return "/2018-06-01/runtime/invocation/" + id + "/response";
}

std::string errorPath(const std::string& id) {
  return "/2018-06-01/runtime/invocation/" + id + "/error";
}

int portOf(const FakeLambdaRuntime& fake) {
  std::string address = fake.address();
  return std::stoi(address.substr(address.rfind(':') + 1));
}

std::string errorTypeOf(const HttpResult& result) {
  return std::string(boost::json::parse(result.body).at("errorType").as_string());
}

// Polls `condition` until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

std::int64_t epochMsNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// GET /next on its own thread; the future holds the result, or status -1 when the fake
// closed the connection without answering.
struct BlockedNext {
  std::future<HttpResult> result;
  std::thread thread;

  explicit BlockedNext(const std::string& address) {
    std::promise<HttpResult> promise;
    result = promise.get_future();
    thread = std::thread([address, promise = std::move(promise)]() mutable {
      HttpClient client("http://" + address);
      try {
        promise.set_value(client.get(kNext));
      } catch (const std::exception&) {
        promise.set_value(HttpResult{-1, "", {}});
      }
    });
  }
  ~BlockedNext() {
    if (thread.joinable()) thread.join();
  }
};

TEST(FakeLambdaRuntime, AddressIsLoopbackWithAPort) {
  FakeLambdaRuntime fake;
  EXPECT_TRUE(fake.address().starts_with("127.0.0.1:"));
  EXPECT_GT(portOf(fake), 0);
  EXPECT_EQ(fake.nextRequests(), 0);
  EXPECT_FALSE(fake.firstNextAt().has_value());
}

TEST(FakeLambdaRuntime, NextHandsOutQueuedEventsInOrderWithHeaders) {
  FakeLambdaRuntime fake;
  EXPECT_EQ(fake.addEvent(R"({"n":1})"), "req-1");
  EXPECT_EQ(fake.addEvent(R"({"n":2})"), "req-2");
  HttpClient client("http://" + fake.address());  // one client: the connection is reused

  auto before = std::chrono::steady_clock::now();
  std::int64_t epoch_before = epochMsNow();
  HttpResult first = client.get(kNext);
  std::int64_t epoch_after = epochMsNow();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, R"({"n":1})");
  EXPECT_EQ(first.header("content-type"), "application/json");
  EXPECT_EQ(first.header("lambda-runtime-aws-request-id"), "req-1");
  EXPECT_EQ(first.header("lambda-runtime-invoked-function-arn"),
            "arn:aws:lambda:us-east-1:123456789012:function:immersion-tracker");
  EXPECT_EQ(first.header("lambda-runtime-trace-id"),
            "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
  std::int64_t deadline = std::stoll(first.header("lambda-runtime-deadline-ms"));
  EXPECT_GE(deadline, epoch_before + 30000);
  EXPECT_LE(deadline, epoch_after + 30000);

  HttpResult second = client.get(kNext);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, R"({"n":2})");
  EXPECT_EQ(second.header("lambda-runtime-aws-request-id"), "req-2");

  EXPECT_EQ(fake.nextRequests(), 2);
  ASSERT_TRUE(fake.firstNextAt().has_value());
  EXPECT_GE(*fake.firstNextAt(), before);
  EXPECT_LE(*fake.firstNextAt(), std::chrono::steady_clock::now());
}

TEST(FakeLambdaRuntime, RecordsAResponse) {
  FakeLambdaRuntime fake;
  std::string id = fake.addEvent("{}");
  HttpClient client("http://" + fake.address());
  ASSERT_EQ(client.get(kNext).status, 200);
  EXPECT_FALSE(fake.waitForAnswer(id, 1ms).has_value());

  HttpResult posted = client.post(responsePath(id), R"({"statusCode":200,"body":"ok"})");
  EXPECT_EQ(posted.status, 202);
  EXPECT_EQ(boost::json::parse(posted.body), boost::json::parse(R"({"status":"OK"})"));

  auto answer = fake.waitForAnswer(id, 5s);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->request_id, id);
  EXPECT_FALSE(answer->error);
  EXPECT_EQ(answer->body, R"({"statusCode":200,"body":"ok"})");
  EXPECT_EQ(answer->error_type, "");
}

TEST(FakeLambdaRuntime, RecordsAnInvocationError) {
  FakeLambdaRuntime fake;
  std::string id = fake.addEvent("{}");
  HttpClient client("http://" + fake.address());
  ASSERT_EQ(client.get(kNext).status, 200);

  std::string body = R"({"errorMessage":"boom","errorType":"Runtime.Unhandled"})";
  HttpResult posted = client.request(
      "POST", errorPath(id), body,
      {"Content-Type: application/json", "Lambda-Runtime-Function-Error-Type: Runtime.Unhandled"});
  EXPECT_EQ(posted.status, 202);

  auto answer = fake.waitForAnswer(id, 5s);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->request_id, id);
  EXPECT_TRUE(answer->error);
  EXPECT_EQ(answer->body, body);
  EXPECT_EQ(answer->error_type, "Runtime.Unhandled");
}

TEST(FakeLambdaRuntime, RecordsAnInitError) {
  FakeLambdaRuntime fake;
  EXPECT_FALSE(fake.waitForInitError(1ms).has_value());
  HttpClient client("http://" + fake.address());

  std::string body = R"({"errorMessage":"no table","errorType":"Runtime.InitError"})";
  HttpResult posted = client.request(
      "POST", "/2018-06-01/runtime/init/error", body,
      {"Content-Type: application/json", "lambda-runtime-function-error-type: Runtime.InitError"});
  EXPECT_EQ(posted.status, 202);

  auto error = fake.waitForInitError(5s);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->request_id, "");
  EXPECT_TRUE(error->error);
  EXPECT_EQ(error->body, body);
  EXPECT_EQ(error->error_type, "Runtime.InitError");
  EXPECT_EQ(fake.nextRequests(), 0);
}

TEST(FakeLambdaRuntime, RejectsAnswersForIdsNeverHandedOut) {
  FakeLambdaRuntime fake;
  std::string queued = fake.addEvent("{}");  // queued, but nobody asked for it yet
  HttpClient client("http://" + fake.address());

  for (const std::string& id : {std::string("req-99"), queued}) {
    HttpResult response = client.post(responsePath(id), "{}");
    EXPECT_EQ(response.status, 400) << id;
    EXPECT_EQ(errorTypeOf(response), "InvalidRequestID") << id;
    HttpResult error = client.post(errorPath(id), "{}");
    EXPECT_EQ(error.status, 400) << id;
    EXPECT_EQ(errorTypeOf(error), "InvalidRequestID") << id;
    EXPECT_FALSE(fake.waitForAnswer(id, 1ms).has_value()) << id;
  }
}

TEST(FakeLambdaRuntime, ASecondAnswerIsRejectedAndTheFirstKept) {
  FakeLambdaRuntime fake;
  std::string id = fake.addEvent("{}");
  HttpClient client("http://" + fake.address());
  ASSERT_EQ(client.get(kNext).status, 200);
  EXPECT_EQ(client.post(responsePath(id), R"({"first":true})").status, 202);
  EXPECT_EQ(client.post(responsePath(id), R"({"second":true})").status, 400);
  EXPECT_EQ(client.post(errorPath(id), R"({"third":true})").status, 400);

  auto answer = fake.waitForAnswer(id, 5s);
  ASSERT_TRUE(answer.has_value());
  EXPECT_FALSE(answer->error);
  EXPECT_EQ(answer->body, R"({"first":true})");
}

TEST(FakeLambdaRuntime, OtherRoutesAre404) {
  FakeLambdaRuntime fake;
  HttpClient client("http://" + fake.address());
  EXPECT_EQ(client.get("/").status, 404);
  EXPECT_EQ(client.get("/2018-06-01/runtime/invocation/req-1/response").status, 404);
  EXPECT_EQ(client.post(kNext, "{}").status, 404);
  EXPECT_EQ(client.post("/2018-06-01/runtime/invocation/req-1/other", "{}").status, 404);
  EXPECT_EQ(client.post("/2018-06-01/runtime/invocation//response", "{}").status, 404);
  EXPECT_EQ(fake.nextRequests(), 0);
}

TEST(FakeLambdaRuntime, NextBlocksUntilAnEventIsAdded) {
  FakeLambdaRuntime fake;
  BlockedNext blocked(fake.address());
  ASSERT_TRUE(eventually([&] { return fake.nextRequests() == 1; }));
  EXPECT_TRUE(fake.firstNextAt().has_value());
  EXPECT_EQ(blocked.result.wait_for(50ms), std::future_status::timeout);

  std::string id = fake.addEvent(R"({"late":true})");
  ASSERT_EQ(blocked.result.wait_for(10s), std::future_status::ready);
  HttpResult result = blocked.result.get();
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, R"({"late":true})");
  EXPECT_EQ(result.header("lambda-runtime-aws-request-id"), id);
}

TEST(FakeLambdaRuntime, DestroyingWhileANextIsBlockedReturnsPromptly) {
  auto fake = std::make_unique<FakeLambdaRuntime>();
  BlockedNext blocked(fake->address());
  ASSERT_TRUE(eventually([&] { return fake->nextRequests() == 1; }));

  auto start = std::chrono::steady_clock::now();
  fake.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  ASSERT_EQ(blocked.result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(blocked.result.get().status, -1);  // closed without an answer
}

TEST(FakeLambdaRuntime, DestroyingWithAnIdleConnectionReturnsPromptly) {
  auto fake = std::make_unique<FakeLambdaRuntime>();
  RawConnection idle(portOf(*fake));  // connected, never sends a request
  HttpClient client("http://" + fake->address());
  EXPECT_EQ(client.get("/").status, 404);  // the fake is serving

  auto start = std::chrono::steady_clock::now();
  fake.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(FakeLambdaRuntime, AClientThatLeftWhileWaitingDoesNotTakeTheNextEvent) {
  FakeLambdaRuntime fake;
  {
    RawConnection gone(portOf(fake));
    gone.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(eventually([&] { return fake.nextRequests() == 1; }));
  }  // closed, as when the runtime process is killed
  std::string id = fake.addEvent(R"({"kept":true})");

  HttpClient client("http://" + fake.address());
  HttpResult result = client.get(kNext);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, R"({"kept":true})");
  EXPECT_EQ(result.header("lambda-runtime-aws-request-id"), id);
}

}  // namespace
}  // namespace it::test
