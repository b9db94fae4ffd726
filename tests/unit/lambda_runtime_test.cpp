// The Runtime API client and loop (lambda/runtime.hpp) against the fake Runtime API: events in
// order, answers to .../response, a throwing handler to .../error, init errors, and the end of
// the loop when the Runtime API goes away.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "fakes/fake_lambda_runtime.hpp"
#include "lambda/runtime.hpp"

namespace it::lambda {
namespace {

using namespace std::chrono_literals;
using test::FakeLambdaRuntime;

TEST(LambdaRuntimeTest, AnswersEachEventAndReportsAThrowingHandler) {
  auto runtime = std::make_unique<FakeLambdaRuntime>();
  std::string first = runtime->addEvent(R"({"n": 1})");
  std::string second = runtime->addEvent(R"({"n": 2, "fail": true})");
  std::string third = runtime->addEvent(R"({"n": 3})");
  std::vector<std::string> seen;
  std::promise<int> exit_code;
  std::thread loop([&] {
    RuntimeApi api(runtime->address());
    exit_code.set_value(runLoop(api, [&](const Invocation& invocation) {
      seen.push_back(invocation.request_id);
      if (invocation.event.find("fail") != std::string::npos) {
        throw std::runtime_error("the handler broke");
      }
      return Outcome{false, "answer to " + invocation.event, "", ""};
    }));
  });
  auto a1 = runtime->waitForAnswer(first, 10s);
  auto a2 = runtime->waitForAnswer(second, 10s);
  auto a3 = runtime->waitForAnswer(third, 10s);
  ASSERT_TRUE(a1 && a2 && a3);
  EXPECT_FALSE(a1->error);
  EXPECT_EQ(a1->body, R"(answer to {"n": 1})");
  EXPECT_TRUE(a2->error);
  EXPECT_EQ(a2->error_type, "Runtime.HandlerError");
  EXPECT_NE(a2->body.find(R"("errorMessage":"the handler broke")"), std::string::npos) << a2->body;
  EXPECT_FALSE(a3->error);
  // The Runtime API going away ends the loop (Lambda would have ended the sandbox).
  auto code = exit_code.get_future();
  runtime.reset();
  ASSERT_EQ(code.wait_for(10s), std::future_status::ready);
  loop.join();
  EXPECT_EQ(code.get(), 1);
  EXPECT_EQ(seen, (std::vector<std::string>{first, second, third}));
}

TEST(LambdaRuntimeTest, FailedInvocationsAndInitErrorsCarryTheirType) {
  FakeLambdaRuntime runtime;
  RuntimeApi api(runtime.address());
  EXPECT_EQ(api.initError("Runtime.InitError", "no table"), 202);
  auto init = runtime.waitForInitError(5s);
  ASSERT_TRUE(init);
  EXPECT_EQ(init->error_type, "Runtime.InitError");
  EXPECT_NE(init->body.find(R"("errorMessage":"no table")"), std::string::npos);

  std::string id = runtime.addEvent("{}");
  auto invocation = api.next();
  ASSERT_TRUE(invocation);
  EXPECT_EQ(invocation->request_id, id);
  EXPECT_FALSE(invocation->trace_id.empty());
  EXPECT_EQ(api.answer(id, Outcome{true, "", "Unauthorized", "Unauthorized"}), 202);
  auto answer = runtime.waitForAnswer(id, 5s);
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->error);
  EXPECT_EQ(answer->error_type, "Unauthorized");
  // Lambda refuses a second answer to the same invocation.
  EXPECT_EQ(api.answer(id, Outcome{false, "{}", "", ""}), 400);
}

}  // namespace
}  // namespace it::lambda
