// The router's choice of thread for each step of a request, observed through the Offload it
// is given: nothing runs until the test says so, so the order is deterministic.
#include "http/router.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/authenticator.hpp"
#include "auth/passwords.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/round_trip_users.hpp"
#include "support/temp_dir.hpp"
#include "util/encoding.hpp"

namespace it::http {
namespace {

class NoObserver : public RequestObserver {
 public:
  void onResponse(const Request&, std::string_view, int, double, std::string_view) override {}
};

struct Offloaded {
  Execution where;
  std::function<void()> task;
};

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteStore::Options{dir_.path() + "/t.db"});
    ASSERT_TRUE(store_->addUser({"alice", auth::hashPassword("alice-pass"), false, "t"}));
    build(*store_);
  }

  // A router over `users`, with a route that runs on the workers and one that runs inline.
  void build(storage::UserStore& users) {
    authenticator_ = std::make_unique<auth::Authenticator>(users);
    auto handler = [](const Request&, const auth::Principal& who, Respond respond) {
      Response r;
      r.body = who.username;
      respond(std::move(r));
    };
    std::vector<Route> routes{
        {Method::kGet, "/blocking", Access::kUser, Execution::kBlocking, handler},
        {Method::kGet, "/inline", Access::kUser, Execution::kInline, handler}};
    router_ = std::make_unique<Router>(
        std::move(routes), *authenticator_, observer_,
        [this](Execution where, std::function<void()> task) {
          if (where == Execution::kPasswordCheck && password_pool_full_) return false;
          queued_.push_back({where, std::move(task)});
          return true;
        },
        /*inline_reads_allowed=*/true);
  }

  Request request(const std::string& path, const std::string& user, const std::string& password) {
    Request r;
    r.path = path;
    r.target = path;
    r.client_address = "192.0.2.1";
    r.headers.emplace_back("authorization", "Basic " + base64Encode(user + ":" + password));
    return r;
  }

  // Runs the oldest queued task and says where it was queued.
  Execution runNext() {
    Offloaded next = std::move(queued_.front());
    queued_.erase(queued_.begin());
    next.task();
    return next.where;
  }

  test::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  NoObserver observer_;
  std::vector<Offloaded> queued_;
  bool password_pool_full_ = false;
  std::unique_ptr<Router> router_;
};

// A password the server has not verified yet is checked on the password pool, never on the
// workers that serve signed-in users; the handler then runs where its route says.
TEST_F(RouterTest, AnUnverifiedPasswordIsCheckedOnThePasswordPool) {
  Request first = request("/blocking", "alice", "alice-pass");
  std::vector<Response> answers;
  router_->dispatch(first, [&](Response r) { answers.push_back(std::move(r)); });
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_EQ(runNext(), Execution::kPasswordCheck);
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_TRUE(answers.empty());
  EXPECT_EQ(runNext(), Execution::kBlocking);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 200);
  EXPECT_EQ(answers[0].body, "alice");

  // Verified once, the login is remembered: the next request goes straight to its handler's
  // pool, and an inline route answers on the spot.
  router_->dispatch(first, [&](Response r) { answers.push_back(std::move(r)); });
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_EQ(runNext(), Execution::kBlocking);
  Request quick = request("/inline", "alice", "alice-pass");
  router_->dispatch(quick, [&](Response r) { answers.push_back(std::move(r)); });
  EXPECT_TRUE(queued_.empty());
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[2].status, 200);
}

// When the password pool's queue is full, a login that needs Argon2id is answered 503 at once,
// without a check; logins already verified go on as before.
TEST_F(RouterTest, AFullPasswordPoolAnswersBusyWithoutHashing) {
  Request verified = request("/inline", "alice", "alice-pass");
  std::vector<Response> answers;
  router_->dispatch(verified, [&](Response r) { answers.push_back(std::move(r)); });
  runNext();  // the first check
  ASSERT_EQ(answers.size(), 1u);
  password_pool_full_ = true;
  Request guess = request("/blocking", "alice", "wrong");
  router_->dispatch(guess, [&](Response r) { answers.push_back(std::move(r)); });
  EXPECT_TRUE(queued_.empty());
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[1].status, 503);
  EXPECT_NE(std::find(answers[1].headers.begin(), answers[1].headers.end(),
                      std::pair<std::string, std::string>{"Retry-After", "1"}),
            answers[1].headers.end());
  router_->dispatch(verified, [&](Response r) { answers.push_back(std::move(r)); });
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[2].status, 200);
}

// A wrong password is checked on the password pool too, and answered from there: nothing
// reaches the workers.
TEST_F(RouterTest, AWrongPasswordNeverReachesTheWorkers) {
  Request guess = request("/blocking", "alice", "wrong");
  std::vector<Response> answers;
  router_->dispatch(guess, [&](Response r) { answers.push_back(std::move(r)); });
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_EQ(runNext(), Execution::kPasswordCheck);
  EXPECT_TRUE(queued_.empty());
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 401);
}

// On a store whose reads are round trips, a login verified earlier is re-read on the workers,
// with the other signed-in users' work, and never waits behind password checks.
TEST_F(RouterTest, OnARoundTripStoreARememberedLoginIsReadOnTheWorkers) {
  test::RoundTripUsers users(*store_);
  build(users);
  Request first = request("/inline", "alice", "alice-pass");
  std::vector<Response> answers;
  router_->dispatch(first, [&](Response r) { answers.push_back(std::move(r)); });
  EXPECT_EQ(runNext(), Execution::kPasswordCheck);
  ASSERT_EQ(answers.size(), 1u);  // an inline route answers where the check ran

  router_->dispatch(first, [&](Response r) { answers.push_back(std::move(r)); });
  ASSERT_EQ(queued_.size(), 1u);
  EXPECT_EQ(runNext(), Execution::kBlocking);
  EXPECT_TRUE(queued_.empty());
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[1].status, 200);
  EXPECT_EQ(answers[1].body, "alice");
}

TEST_F(RouterTest, TwoRoutesForOneMethodAndPathAreRefusedAtStart) {
  auto handler = [](const Request&, const auth::Principal&, Respond respond) { respond({}); };
  std::vector<Route> routes{{Method::kGet, "/shows", Access::kUser, Execution::kInline, handler},
                            {Method::kPut, "/shows", Access::kUser, Execution::kInline, handler},
                            {Method::kGet, "/shows", Access::kPublic, Execution::kInline, handler}};
  EXPECT_THROW(Router(std::move(routes), *authenticator_, observer_, {}, true), std::logic_error);
}

// Every route's body limit is a number, checked against the announced length before anything
// else: the server's max_body_bytes for kServerBodyLimit, and a cap on every other limit but
// one of the route's own (the import's), which may be larger. The Lambda front end (dispatch)
// checks the body it holds against the same limits.
TEST_F(RouterTest, BodyLimitsAreNumbersAndOnlyARoutesOwnMayExceedTheServers) {
  auto handler = [](const Request& r, const auth::Principal&, Respond respond) {
    Response answer;
    answer.body = std::to_string(r.body.size());
    respond(std::move(answer));
  };
  constexpr std::size_t kServer = 8192;  // below kSmallBodyBytes, above kSignInBodyBytes
  constexpr std::size_t kOwn = 200 * 1024;
  Route own{Method::kPost, "/import", Access::kPublic, Execution::kInline, handler, kOwn};
  own.own_body_limit = true;
  std::vector<Route> routes{
      {Method::kPost, "/small", Access::kPublic, Execution::kInline, handler},
      {Method::kPost, "/sync", Access::kPublic, Execution::kInline, handler, kServerBodyLimit},
      {Method::kPost, "/session", Access::kSignIn, Execution::kInline, handler},
      own};
  Router router(
      std::move(routes), *authenticator_, observer_,
      [this](Execution where, std::function<void()> task) {
        queued_.push_back({where, std::move(task)});
        return true;
      },
      true, {}, false, kServer);
  EXPECT_EQ(router.maxBodyBytes(), kOwn);

  auto post = [](const std::string& path, std::size_t length) {
    Request r;
    r.method = Method::kPost;
    r.path = path;
    r.target = path;
    r.client_address = "192.0.2.1";
    r.headers.emplace_back("content-type", "application/json");
    r.headers.emplace_back("content-length", std::to_string(length));
    return r;
  };
  // {path, the most it reads}
  for (const auto& [path, limit] :
       std::vector<std::pair<std::string, std::size_t>>{{"/small", kServer},
                                                        {"/sync", kServer},
                                                        {"/session", kSignInBodyBytes},
                                                        {"/import", kOwn}}) {
    for (std::size_t length : {limit, limit + 1}) {
      Request head = post(path, length);
      std::optional<Router::Admission> admitted;
      router.admit(head, [&](Router::Admission a) { admitted = std::move(a); });
      ASSERT_TRUE(admitted) << path << " " << length;
      if (length > limit) {
        ASSERT_TRUE(admitted->answer) << path << " " << length;
        EXPECT_EQ(admitted->answer->status, 413) << path << " " << length;
      } else {
        EXPECT_FALSE(admitted->answer) << path << " " << length;
        EXPECT_EQ(admitted->max_body_bytes, limit) << path;
      }
    }
  }

  // Whole requests (Lambda): the body itself is measured.
  std::vector<Response> answers;
  for (const auto& [path, size] : std::vector<std::pair<std::string, std::size_t>>{
           {"/import", 100 * 1024}, {"/sync", kServer + 1}, {"/import", kOwn + 1}}) {
    Request whole = post(path, size);
    whole.headers.pop_back();  // no Content-Length: the body counts
    whole.body.assign(size, ' ');
    router.dispatch(whole, [&](Response r) { answers.push_back(std::move(r)); });
    while (!queued_.empty()) runNext();  // a large body runs on the workers
  }
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].status, 200);
  EXPECT_EQ(answers[0].body, std::to_string(100 * 1024));
  EXPECT_EQ(answers[1].status, 413);
  EXPECT_EQ(answers[2].status, 413);
}

}  // namespace
}  // namespace it::http
