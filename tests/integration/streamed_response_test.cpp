// Streamed answers (Response::stream) through the real Beast server on port 0, over loopback:
// the pieces arrive whole and chunked with every usual header, the connection serves the next
// request, a failing producer leaves the transfer visibly unfinished, a client that stops
// reading or leaves holds the producer back and has it dropped, HEAD gets no body, and the
// producer runs on its route's pool, never on an I/O thread. Store-agnostic: the routes are
// the test's own.
//
// Nothing here asserts how long anything took: the tests wait for events (a producer called
// or dropped), with a generous bound only so that a broken server fails instead of hanging.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/temp_dir.hpp"
#include "util/worker_pool.hpp"

namespace it::http {
namespace {

namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

// How long a test waits for something the server must do before calling it broken.
constexpr auto kPatience = 60s;

// The pool the current thread belongs to, as the test's Offload marks it; nothing on an I/O
// thread.
thread_local std::optional<Execution> t_pool;

// What one request's producer did, shared with the test (the producer may outlive the
// request's handler, and the test outlives the producer).
struct Record {
  std::mutex mutex;
  std::condition_variable changed;
  int calls = 0;
  std::vector<std::optional<Execution>> pools;  // where each call ran
  bool destroyed = false;

  // Waits until `done` holds (under the lock); false when it did not within kPatience.
  template <typename Done>
  bool waitFor(Done done) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, kPatience, done);
  }
};

std::string piece(int i, std::size_t size) {
  return std::string(size, static_cast<char>('a' + i % 26));
}

std::string pieces(int count, std::size_t size) {
  std::string all;
  for (int i = 0; i < count; ++i) all += piece(i, size);
  return all;
}

// `count` pieces of `size` bytes, piece i made of letter i % 26; throws instead of making piece
// `fail_at` when that is set.
class Producer : public BodyProducer {
 public:
  Producer(std::shared_ptr<Record> record, int count, std::size_t size,
           std::optional<int> fail_at = std::nullopt)
      : record_(std::move(record)), count_(count), size_(size), fail_at_(fail_at) {}
  ~Producer() override {
    {
      std::lock_guard lock(record_->mutex);
      record_->destroyed = true;
    }
    record_->changed.notify_all();
  }

  std::optional<std::string> next() override {
    int i = 0;
    {
      std::lock_guard lock(record_->mutex);
      i = record_->calls++;
      record_->pools.push_back(t_pool);
    }
    record_->changed.notify_all();
    if (fail_at_ && i == *fail_at_) throw std::runtime_error("the store went away");
    if (i >= count_) return std::nullopt;
    return piece(i, size_);
  }

 private:
  std::shared_ptr<Record> record_;
  int count_;
  std::size_t size_;
  std::optional<int> fail_at_;
};

struct Answered {
  std::string route;
  int status;
};

class Observer : public RequestObserver {
 public:
  void onResponse(const Request&, std::string_view route, int status, double,
                  std::string_view) override {
    std::lock_guard lock(mutex_);
    answered_.push_back({std::string(route), status});
  }
  std::vector<Answered> answered() {
    std::lock_guard lock(mutex_);
    return answered_;
  }

 private:
  std::mutex mutex_;
  std::vector<Answered> answered_;
};

constexpr int kPieces = 2000;
constexpr std::size_t kPieceSize = 1024;
// The slow reader's pieces: large, so that the kernel's socket buffers hold few of them.
constexpr int kSlowPieces = 4096;  // 1 GiB, were they all made
constexpr std::size_t kSlowPieceSize = 256 * 1024;
constexpr const char* kOrigin = "https://app.example";

// A blocking HTTP client on a plain socket. Reads give up after kPatience (so that a server that
// hangs fails the test instead of hanging it); responses are parsed by Beast's parser, fed
// byte by byte as they arrive, so bytes past one response stay for the next.
class Connection {
 public:
  // `receive_buffer`: SO_RCVBUF, set before connecting (0: the kernel's, which grows).
  explicit Connection(std::uint16_t port, int receive_buffer = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd_);
      throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
    }
  }
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The receive buffer the kernel gave the socket.
  int receiveBuffer() const {
    int size = 0;
    socklen_t length = sizeof size;
    getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, &length);
    return size;
  }

  void send(const std::string& bytes) {
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error("send failed");
    }
  }

  struct Reply {
    bhttp::response<bhttp::string_body> message;
    bool header_done = false;
    bool complete = false;  // the whole message arrived
    bool closed = false;    // the server closed the connection (or reset it)
    bool reset = false;     // ... by a reset
    bool stalled = false;   // nothing arrived for kPatience
  };

  // Reads one response; `head`: the answer to a HEAD, without a body.
  Reply read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head);
    Reply reply;
    bool failed = false;
    while (!parser.is_done() && !failed) {
      if (!pending_.empty()) {
        boost::beast::error_code ec;
        std::size_t used = parser.put(boost::asio::buffer(pending_), ec);
        pending_.erase(0, used);
        if (ec && ec != bhttp::error::need_more) {
          failed = true;
          break;
        }
        if (!ec && used > 0) continue;
      }
      std::optional<std::string> more = receive(reply);
      if (!more) {
        if (reply.closed && !reply.reset && parser.got_some()) {
          boost::beast::error_code ec;
          parser.put_eof(ec);  // ends a body that lasts until the connection closes
        }
        break;
      }
      pending_ += *more;
    }
    reply.header_done = parser.is_header_done();
    reply.complete = parser.is_done() && !failed;
    reply.message = parser.release();
    return reply;
  }

  // Reads until at least `bytes` have arrived (or the connection ended); returns them.
  std::string readAtLeast(std::size_t bytes) {
    Reply ignored;
    std::string got = std::move(pending_);
    pending_.clear();
    while (got.size() < bytes) {
      std::optional<std::string> more = receive(ignored);
      if (!more) break;
      got += *more;
    }
    return got;
  }

  // Whether the server closed the connection (reading nothing more).
  bool closedByServer() {
    Reply reply;
    while (receive(reply)) {
    }
    return reply.closed;
  }

 private:
  std::optional<std::string> receive(Reply& reply) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kPatience).count())) <= 0) {
      reply.stalled = true;
      return std::nullopt;
    }
    char buf[64 * 1024];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) return std::string(buf, static_cast<std::size_t>(n));
    reply.closed = true;
    reply.reset = n < 0 && errno == ECONNRESET;
    return std::nullopt;
  }

  int fd_ = -1;
  std::string pending_;
};

class StreamedResponseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteStore::Options{dir_.path() + "/t.db"});
    authenticator_ = std::make_unique<auth::Authenticator>(*store_);
    router_ = std::make_unique<Router>(
        routes(), *authenticator_, observer_,
        [this](Execution where, std::function<void()> task) {
          WorkerPool& pool = where == Execution::kProvider ? providers_ : workers_;
          pool.post([where, task = std::move(task)] {
            t_pool = where;
            task();
            t_pool.reset();
          });
          return true;
        },
        /*inline_reads_allowed=*/true, CorsPolicy({kOrigin}));
    Server::Options options;
    options.port = 0;
    options.io_threads = 1;
    options.io_timeout = ioTimeout();
    options.shutdown_grace = 5s;
    server_ = std::make_unique<Server>(options, *router_);
    server_->start();
  }

  void TearDown() override {
    server_.reset();  // stops and waits for every connection first
  }

  // Bounds each write of a piece.
  virtual std::chrono::milliseconds ioTimeout() const { return 30s; }

  // A handler answering a stream of `count` pieces of `size` bytes.
  Handler streaming(int count, std::size_t size, std::optional<int> fail_at = std::nullopt) {
    return [this, count, size, fail_at](const Request&, const auth::Principal&, Respond respond) {
      auto record = std::make_shared<Record>();
      {
        std::lock_guard lock(records_mutex_);
        records_.push_back(record);
      }
      Response r;
      r.content_type = "application/x-ndjson";
      r.headers.emplace_back("Content-Disposition", "attachment; filename=\"export.ndjson\"");
      r.stream = std::make_shared<Producer>(record, count, size, fail_at);
      respond(std::move(r));
    };
  }

  std::vector<Route> routes() {
    auto plain = [](const Request&, const auth::Principal&, Respond respond) {
      Response r;
      r.content_type = "text/plain";
      r.body = "plain";
      respond(std::move(r));
    };
    return {
        {Method::kGet, "/stream", Access::kPublic, Execution::kBlocking,
         streaming(kPieces, kPieceSize)},
        {Method::kHead, "/stream", Access::kPublic, Execution::kBlocking,
         streaming(kPieces, kPieceSize)},
        {Method::kGet, "/inline-stream", Access::kPublic, Execution::kInline, streaming(3, 10)},
        {Method::kGet, "/provider-stream", Access::kPublic, Execution::kProvider, streaming(3, 10)},
        {Method::kGet, "/failing", Access::kPublic, Execution::kBlocking,
         streaming(kPieces, kPieceSize, /*fail_at=*/5)},
        {Method::kGet, "/slow", Access::kPublic, Execution::kBlocking,
         streaming(kSlowPieces, kSlowPieceSize)},
        {Method::kGet, "/plain", Access::kPublic, Execution::kInline, plain},
        {Method::kHead, "/plain", Access::kPublic, Execution::kInline, plain},
    };
  }

  // The record of the `index`th streamed request (in the order the handlers ran).
  std::shared_ptr<Record> record(std::size_t index) {
    std::lock_guard lock(records_mutex_);
    return index < records_.size() ? records_[index] : nullptr;
  }

  static std::string get(const std::string& target, const std::string& version = "1.1") {
    return "GET " + target + " HTTP/" + version + "\r\nHost: test\r\nOrigin: " + kOrigin +
           "\r\n\r\n";
  }

  std::uint16_t port() const { return server_->port(); }

  // Declared first, destroyed last: the server's sessions may be waiting on these pools.
  WorkerPool workers_{2};
  WorkerPool providers_{1};
  test::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  Observer observer_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Server> server_;
  std::mutex records_mutex_;
  std::vector<std::shared_ptr<Record>> records_;
};

TEST_F(StreamedResponseTest, TheClientGetsEveryPieceChunkedWithTheUsualHeaders) {
  Connection c(port());
  c.send(get("/stream"));
  Connection::Reply r = c.read();
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.message.result_int(), 200);
  EXPECT_EQ(r.message[bhttp::field::transfer_encoding], "chunked");
  EXPECT_EQ(r.message.count(bhttp::field::content_length), 0u);
  EXPECT_TRUE(r.message.body() == pieces(kPieces, kPieceSize))
      << "received " << r.message.body().size() << " bytes";
  EXPECT_EQ(r.message[bhttp::field::content_type], "application/x-ndjson");
  EXPECT_EQ(r.message["Content-Disposition"], "attachment; filename=\"export.ndjson\"");
  EXPECT_EQ(r.message[bhttp::field::access_control_allow_origin], kOrigin);
  EXPECT_FALSE(r.message["X-Request-Id"].empty());

  // Asked once per piece and once more for the end, then dropped.
  auto made = record(0);
  ASSERT_NE(made, nullptr);
  ASSERT_TRUE(made->waitFor([&] { return made->destroyed; }));
  EXPECT_EQ(made->calls, kPieces + 1);
  // Logged and counted once, when its head was ready.
  auto answered = observer_.answered();
  ASSERT_EQ(answered.size(), 1u);
  EXPECT_EQ(answered[0].route, "/stream");
  EXPECT_EQ(answered[0].status, 200);
}

TEST_F(StreamedResponseTest, TheConnectionServesTheNextRequestAfterAStreamedAnswer) {
  Connection c(port());
  c.send(get("/stream"));
  Connection::Reply first = c.read();
  ASSERT_TRUE(first.complete);
  EXPECT_TRUE(first.message.keep_alive());
  c.send(get("/plain"));
  Connection::Reply second = c.read();
  ASSERT_TRUE(second.complete);
  EXPECT_EQ(second.message.result_int(), 200);
  EXPECT_EQ(second.message.body(), "plain");
  // Two requests sent at once (pipelined), the first streamed.
  c.send(get("/stream") + get("/plain"));
  Connection::Reply third = c.read();
  ASSERT_TRUE(third.complete);
  EXPECT_TRUE(third.message.body() == pieces(kPieces, kPieceSize));
  Connection::Reply fourth = c.read();
  ASSERT_TRUE(fourth.complete);
  EXPECT_EQ(fourth.message.body(), "plain");
}

TEST_F(StreamedResponseTest, AFailingProducerLeavesTheTransferUnfinished) {
  Connection c(port());
  c.send(get("/failing"));
  Connection::Reply r = c.read();
  EXPECT_TRUE(r.header_done);
  EXPECT_EQ(r.message.result_int(), 200);
  EXPECT_FALSE(r.complete);  // no last chunk: the parser never saw the body end
  EXPECT_TRUE(r.closed);
  EXPECT_FALSE(r.stalled);
  auto made = record(0);
  ASSERT_NE(made, nullptr);
  ASSERT_TRUE(made->waitFor([&] { return made->destroyed; }));
  EXPECT_EQ(made->calls, 6);  // five pieces, then the throw: nothing asked after it
}

// HTTP/1.0 has no chunked encoding: the body ends when the connection closes, so a failure
// resets the connection instead of closing it cleanly.
TEST_F(StreamedResponseTest, AnHttp10ClientGetsTheBodyUntilTheConnectionCloses) {
  {
    Connection c(port());
    c.send(get("/stream", "1.0"));
    Connection::Reply r = c.read();
    ASSERT_TRUE(r.complete);
    EXPECT_TRUE(r.closed);
    EXPECT_FALSE(r.reset);
    EXPECT_EQ(r.message.count(bhttp::field::transfer_encoding), 0u);
    EXPECT_TRUE(r.message.body() == pieces(kPieces, kPieceSize));
  }
  Connection c(port());
  c.send(get("/failing", "1.0"));
  Connection::Reply r = c.read();
  EXPECT_TRUE(r.reset);
  EXPECT_FALSE(r.complete);
}

TEST_F(StreamedResponseTest, AHeadRequestGetsTheHeadAlone) {
  Connection c(port());
  c.send("HEAD /stream HTTP/1.1\r\nHost: test\r\n\r\n");
  Connection::Reply r = c.read(/*head=*/true);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.message.result_int(), 200);
  EXPECT_EQ(r.message[bhttp::field::transfer_encoding], "chunked");
  // A plain answer's head says its length; the refusal of a HEAD has no body either.
  c.send("HEAD /plain HTTP/1.1\r\nHost: test\r\n\r\n");
  r = c.read(/*head=*/true);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.message[bhttp::field::content_length], "5");
  c.send("HEAD /failing HTTP/1.1\r\nHost: test\r\n\r\n");
  r = c.read(/*head=*/true);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.message.result_int(), 405);
  // Nothing but heads was sent: the next answer on the connection parses as itself.
  c.send(get("/plain"));
  r = c.read();
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.message.body(), "plain");
  auto made = record(0);
  ASSERT_NE(made, nullptr);
  ASSERT_TRUE(made->waitFor([&] { return made->destroyed; }));
  EXPECT_EQ(made->calls, 0);
}

TEST_F(StreamedResponseTest, TheProducerRunsWhereItsRouteRunsNeverOnAnIoThread) {
  Connection c(port());
  c.send(get("/provider-stream"));
  ASSERT_TRUE(c.read().complete);
  c.send(get("/inline-stream"));  // the handler runs inline, its producer on the workers
  ASSERT_TRUE(c.read().complete);
  auto provider = record(0);
  auto inline_route = record(1);
  ASSERT_NE(provider, nullptr);
  ASSERT_NE(inline_route, nullptr);
  ASSERT_TRUE(inline_route->waitFor([&] { return inline_route->destroyed; }));
  std::lock_guard lock(provider->mutex);
  EXPECT_EQ(provider->pools,
            std::vector<std::optional<Execution>>(4, std::optional(Execution::kProvider)));
  EXPECT_EQ(inline_route->pools,
            std::vector<std::optional<Execution>>(4, std::optional(Execution::kBlocking)));
}

// The most pieces the server can have asked for while its client reads nothing more: what
// fills the kernel's buffers (the server's send buffer, at most tcp_wmem's maximum, and the
// client's receive buffer), the piece the client read, the one being written and one more.
int mostPiecesAhead(int receive_buffer) {
  std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
  long low = 0;
  long initial = 0;
  long most = 0;
  long send_buffer = (wmem >> low >> initial >> most) ? most : 4 * 1024 * 1024;
  return static_cast<int>((send_buffer + receive_buffer) / static_cast<long>(kSlowPieceSize)) + 3;
}

// A client that leaves mid-body: the server stops asking for pieces and drops the producer.
TEST_F(StreamedResponseTest, AClientThatLeavesHasTheProducerDropped) {
  int bound = 0;
  {
    Connection c(port(), /*receive_buffer=*/64 * 1024);
    bound = mostPiecesAhead(c.receiveBuffer());
    ASSERT_LT(bound, kSlowPieces / 4);
    c.send(get("/slow"));
    std::string got = c.readAtLeast(kSlowPieceSize + 1024);
    ASSERT_GT(got.size(), kSlowPieceSize);
  }  // closed with unread bytes: a reset
  auto made = record(0);
  ASSERT_NE(made, nullptr);
  ASSERT_TRUE(made->waitFor([&] { return made->destroyed || made->calls > bound; }));
  EXPECT_TRUE(made->destroyed);
  EXPECT_LE(made->calls, bound);
}

// Writes give up after a second without progress.
class SlowReaderTest : public StreamedResponseTest {
  std::chrono::milliseconds ioTimeout() const override { return 1s; }
};

// A client that reads the head and one piece, then stops reading (without leaving): the server
// asks for the next piece only once the previous one is written, so it stops asking once the
// socket's buffers are full, however many pieces remain; when a write has made no progress for
// io_timeout it closes the connection and drops the producer. A server that read ahead of its
// writes would make most of the 1 GiB meanwhile.
TEST_F(SlowReaderTest, AClientThatStopsReadingHoldsTheProducerBack) {
  Connection c(port(), /*receive_buffer=*/64 * 1024);
  const int bound = mostPiecesAhead(c.receiveBuffer());
  ASSERT_LT(bound, kSlowPieces / 4);
  c.send(get("/slow"));
  std::string got = c.readAtLeast(kSlowPieceSize + 1024);
  ASSERT_GT(got.size(), kSlowPieceSize);
  std::string head = got.substr(0, got.find("\r\n\r\n"));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  EXPECT_NE(head.find("\r\ntransfer-encoding: chunked"), std::string::npos) << head;
  auto made = record(0);
  ASSERT_NE(made, nullptr);
  ASSERT_TRUE(made->waitFor([&] { return made->destroyed || made->calls > bound; }));
  EXPECT_TRUE(made->destroyed);
  EXPECT_LE(made->calls, bound);
  EXPECT_TRUE(c.closedByServer());
}

}  // namespace
}  // namespace it::http
