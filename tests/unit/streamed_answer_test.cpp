// Streamed answers (Response::stream) without a server: the router passes a handler's producer
// on untouched (headers added as to any answer), Router::pull runs it on its route's pool and
// reports a throw as a failure, and the Lambda front end, which cannot stream, reads it whole
// into one body. The Offload runs nothing until the test says so, so the order is
// deterministic.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "lambda/events.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"
#include "util/encoding.hpp"

namespace it::http {
namespace {

namespace json = boost::json;

constexpr const char* kOrigin = "https://app.example";

// The pieces given, then the end; throws instead of piece `fail_at` when that is set, and
// makes pieces forever when `endless`.
class ListProducer : public BodyProducer {
 public:
  explicit ListProducer(std::vector<std::string> pieces, std::optional<int> fail_at = std::nullopt,
                        bool endless = false)
      : pieces_(std::move(pieces)), fail_at_(fail_at), endless_(endless) {}

  std::optional<std::string> next() override {
    int i = calls++;
    if (fail_at_ && i == *fail_at_) throw std::runtime_error("the store went away");
    if (endless_) return pieces_.front();
    if (i >= static_cast<int>(pieces_.size())) return std::nullopt;
    return pieces_[static_cast<std::size_t>(i)];
  }

  int calls = 0;

 private:
  std::vector<std::string> pieces_;
  std::optional<int> fail_at_;
  bool endless_;
};

class NoObserver : public RequestObserver {
 public:
  void onResponse(const Request&, std::string_view, int, double, std::string_view) override {}
};

struct Offloaded {
  Execution where;
  std::function<void()> task;
};

class StreamedAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteStore::Options{dir_.path() + "/t.db"});
    authenticator_ = std::make_unique<auth::Authenticator>(*store_);
    auto streaming = [this](const Request&, const auth::Principal&, Respond respond) {
      Response r;
      r.content_type = content_type_;
      r.headers.emplace_back("Content-Disposition", "attachment");
      r.stream = producer_;
      respond(std::move(r));
    };
    std::vector<Route> routes{
        {Method::kGet, "/inline", Access::kPublic, Execution::kInline, streaming},
        {Method::kGet, "/provider", Access::kPublic, Execution::kProvider, streaming}};
    router_ = std::make_unique<Router>(
        std::move(routes), *authenticator_, observer_,
        [this](Execution where, std::function<void()> task) {
          if (pool_full_) return false;
          queued_.push_back({where, std::move(task)});
          return true;
        },
        /*inline_reads_allowed=*/true, CorsPolicy({kOrigin}));
  }

  Request request(const std::string& path) {
    Request r;
    r.path = path;
    r.target = path;
    r.client_address = "192.0.2.1";
    r.headers.emplace_back("origin", kOrigin);
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
  std::unique_ptr<Router> router_;
  std::vector<Offloaded> queued_;
  bool pool_full_ = false;
  std::string content_type_ = "application/x-ndjson; charset=utf-8";
  std::shared_ptr<ListProducer> producer_;
};

// The handler's producer comes out of the router as it went in, with the CORS headers any
// answer to an allowed origin gets.
TEST_F(StreamedAnswerTest, TheRouterPassesTheProducerOn) {
  producer_ = std::make_shared<ListProducer>(std::vector<std::string>{"a", "b"});
  Request get = request("/inline");
  std::vector<Response> answers;
  router_->dispatch(get, [&](Response r) { answers.push_back(std::move(r)); });
  ASSERT_EQ(answers.size(), 1u);  // an inline handler answers on the spot
  EXPECT_EQ(answers[0].stream, producer_);
  EXPECT_TRUE(answers[0].body.empty());
  EXPECT_EQ(answers[0].content_type, "application/x-ndjson; charset=utf-8");
  EXPECT_NE(std::find(answers[0].headers.begin(), answers[0].headers.end(),
                      std::pair<std::string, std::string>{"Access-Control-Allow-Origin", kOrigin}),
            answers[0].headers.end());
  EXPECT_EQ(producer_->calls, 0);  // nothing is made before the transport asks
}

// Each piece is made where the route's handler ran: the provider pool for a provider route,
// the workers for an inline one (a producer may block: never on an I/O thread).
TEST_F(StreamedAnswerTest, PiecesAreMadeOnTheRoutesPool) {
  for (auto [path, pool] :
       {std::pair{"/inline", Execution::kBlocking}, std::pair{"/provider", Execution::kProvider}}) {
    producer_ = std::make_shared<ListProducer>(std::vector<std::string>{"a", "bc"});
    Request get = request(path);
    Router::Admission admission;
    router_->admit(get, [&](Router::Admission a) { admission = std::move(a); });
    ASSERT_FALSE(admission.answer);
    std::optional<Response> answer;
    router_->proceed(admission, get, [&](Response r) { answer = std::move(r); });
    while (!answer) runNext();  // the provider route's handler runs on its pool
    ASSERT_TRUE(answer->stream);

    std::string body;
    for (bool ended = false; !ended;) {
      std::optional<Router::Piece> piece;
      router_->pull(admission, answer->stream, [&](Router::Piece p) { piece = std::move(p); });
      EXPECT_FALSE(piece) << "made before its pool ran it";
      ASSERT_EQ(queued_.size(), 1u);
      EXPECT_EQ(runNext(), pool) << path;
      ASSERT_TRUE(piece);
      ASSERT_TRUE(*piece);
      if (!piece->value->has_value()) {
        ended = true;
      } else {
        body += **piece->value;
      }
    }
    EXPECT_EQ(body, "abc");
    EXPECT_EQ(producer_->calls, 3);
  }
}

// A producer that throws, or a pool that cannot take the task, is a failure, never an end.
TEST_F(StreamedAnswerTest, AThrowingProducerIsAFailure) {
  producer_ = std::make_shared<ListProducer>(std::vector<std::string>{"a", "b"}, /*fail_at=*/1);
  Request get = request("/inline");
  Router::Admission admission;
  router_->admit(get, [&](Router::Admission a) { admission = std::move(a); });
  std::optional<Response> answer;
  router_->proceed(admission, get, [&](Response r) { answer = std::move(r); });
  ASSERT_TRUE(answer);
  std::vector<Router::Piece> pieces;
  auto keep = [&](Router::Piece p) { pieces.push_back(std::move(p)); };
  router_->pull(admission, answer->stream, keep);
  runNext();
  router_->pull(admission, answer->stream, keep);
  runNext();
  ASSERT_EQ(pieces.size(), 2u);
  ASSERT_TRUE(pieces[0]);
  EXPECT_EQ(*pieces[0].value, std::optional<std::string>("a"));
  EXPECT_FALSE(pieces[1]);
  EXPECT_EQ(pieces[1].failure.message, "the store went away");

  pool_full_ = true;
  router_->pull(admission, answer->stream, keep);
  ASSERT_EQ(pieces.size(), 3u);  // answered at once
  EXPECT_FALSE(pieces[2]);
  EXPECT_EQ(producer_->calls, 2);
}

// Lambda answers in one piece: the stream is read whole into the API Gateway answer's body,
// with the headers any answer gets.
TEST_F(StreamedAnswerTest, TheLambdaFrontEndReadsAStreamWhole) {
  for (auto version : {lambda::PayloadVersion::kRestV1, lambda::PayloadVersion::kHttpV2}) {
    producer_ = std::make_shared<ListProducer>(std::vector<std::string>{"{\"a\":1}\n", "", "{}\n"});
    Request get = request("/inline");
    std::optional<Response> answer;
    router_->dispatch(get, [&](Response r) { answer = std::move(r); });
    ASSERT_TRUE(answer);
    json::value out = json::parse(lambda::proxyResponse(*answer, version));
    EXPECT_EQ(out.at("statusCode"), 200);
    EXPECT_EQ(out.at("body"), "{\"a\":1}\n{}\n");
    EXPECT_EQ(out.at("isBase64Encoded"), false);
    const json::object& headers = out.at("headers").as_object();
    bool v1 = version == lambda::PayloadVersion::kRestV1;
    EXPECT_EQ(headers.at(v1 ? "Content-Type" : "content-type"),
              "application/x-ndjson; charset=utf-8");
    EXPECT_EQ(headers.at(v1 ? "Access-Control-Allow-Origin" : "access-control-allow-origin"),
              kOrigin);
    EXPECT_EQ(producer_->calls, 4);
  }

  // A binary stream is base64-encoded whole, not piece by piece.
  content_type_ = "application/octet-stream";
  producer_ = std::make_shared<ListProducer>(std::vector<std::string>{"a", "bc", "d"});
  Request get = request("/inline");
  std::optional<Response> answer;
  router_->dispatch(get, [&](Response r) { answer = std::move(r); });
  ASSERT_TRUE(answer);
  json::value out = json::parse(lambda::proxyResponse(*answer, lambda::PayloadVersion::kHttpV2));
  EXPECT_EQ(json::value_to<std::string>(out.at("body")), base64Encode("abcd"));
  EXPECT_EQ(out.at("isBase64Encoded"), true);
}

// A stream that fails, or outgrows what Lambda can return (6 MB), fails the invocation rather
// than answer part of a document; reading stops there.
TEST_F(StreamedAnswerTest, TheLambdaFrontEndRefusesABrokenOrOversizedStream) {
  Response failing;
  failing.stream = std::make_shared<ListProducer>(std::vector<std::string>{"a", "b"}, 1);
  EXPECT_THROW(lambda::proxyResponse(failing, lambda::PayloadVersion::kRestV1), std::runtime_error);

  auto endless = std::make_shared<ListProducer>(
      std::vector<std::string>{std::string(64 * 1024, 'x')}, std::nullopt, /*endless=*/true);
  Response huge;
  huge.stream = endless;
  EXPECT_THROW(lambda::proxyResponse(huge, lambda::PayloadVersion::kHttpV2), std::length_error);
  EXPECT_EQ(endless->calls, 6 * 16 + 1);  // just past 6 MiB
}

}  // namespace
}  // namespace it::http
