// Limits and hostile clients (issue 7): oversized, slow, idle, pipelined and malformed
// requests, and JSON bodies built to break the parser. Each attack gets a bounded, clear answer
// (or, for a client that stops talking, a closed connection), nothing is written, and the
// server keeps answering everyone else. Store-agnostic: runs on SQLite and on DynamoDB.
//
// The bounds below are upper bounds only ("closed within io_timeout plus generous slack");
// nothing asserts that something took at least some time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "client/api_client.hpp"
#include "integration/server_fixture.hpp"
#include "net/curl_client.hpp"
#include "support/raw_connection.hpp"
#include "util/encoding.hpp"

namespace it::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// Basic credentials of the fixture's users, as a raw request sends them.
const char* const kAliceAuth = "Authorization: Basic YWxpY2U6YWxpY2UtcGFzcw==\r\n";  // alice-pass
// How long the server may take past its io_timeout to close a connection (a loaded CI box).
constexpr auto kCloseSlack = 5s;

std::string lowerCase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers, names lower-cased
  std::string body;
  bool hasHeader(const std::string& lower_line) const {
    return head.find("\r\n" + lower_line + "\r\n") != std::string::npos;
  }
};

// A plain TCP connection that can tell "the server closed it" from "nothing arrived", and read
// responses one by one (pipelining). Unlike RawConnection, sends never throw: a send that fails
// because the server has already closed is something these tests expect.
class Conn {
 public:
  explicit Conn(int port, const char* source = nullptr) : fd_(connectLoopback(port, source)) {}
  ~Conn() { close(fd_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // False when the peer is gone (EPIPE, ECONNRESET).
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // The next whole response (Content-Length framed, as the server always sends), or nothing
  // when the connection closes or `timeout` passes first.
  std::optional<RawResponse> readResponse(std::chrono::milliseconds timeout = 10s) {
    auto deadline = SteadyClock::now() + timeout;
    for (;;) {
      std::size_t end = buffered_.find("\r\n\r\n");
      if (end != std::string::npos) {
        RawResponse r;
        r.head = lowerCase(buffered_.substr(0, end + 2));
        if (r.head.rfind("http/1.1 ", 0) == 0 && r.head.size() > 12) {
          r.status = std::stoi(r.head.substr(9, 3));
        }
        std::size_t length = 0;
        std::size_t at = r.head.find("\r\ncontent-length:");
        if (at != std::string::npos) length = std::stoul(r.head.substr(at + 17));
        if (buffered_.size() >= end + 4 + length) {
          r.body = buffered_.substr(end + 4, length);
          buffered_.erase(0, end + 4 + length);
          return r;
        }
      }
      if (!readSome(deadline)) return std::nullopt;
    }
  }

  // Reads (and keeps) whatever arrives until the server closes the connection (true) or
  // `timeout` passes (false).
  bool waitForClose(std::chrono::milliseconds timeout) {
    auto deadline = SteadyClock::now() + timeout;
    while (readSome(deadline)) {
    }
    return closed_;
  }

  const std::string& unread() const { return buffered_; }

 private:
  // One read; false on close, error or the deadline.
  bool readSome(SteadyClock::time_point deadline) {
    if (closed_) return false;
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() < 0) return false;
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready <= 0) return false;
    char buf[16384];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      if (n == 0 || errno == ECONNRESET || errno == EPIPE) closed_ = true;
      return false;
    }
    buffered_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffered_;
  bool closed_ = false;
};

// A JSON error answer: the status, the JSON content type and {"error": ...}.
void expectJsonError(const RawResponse& r, int status, const std::string& context) {
  EXPECT_EQ(r.status, status) << context << "\n" << r.head;
  EXPECT_TRUE(r.hasHeader("content-type: application/json; charset=utf-8")) << context;
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  ASSERT_FALSE(ec) << context << ": body is not JSON: " << r.body;
  ASSERT_TRUE(v.is_object() && v.as_object().contains("error")) << context << ": " << r.body;
}

std::string request(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& extra_headers = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers;
  if (!body.empty() || method == "POST" || method == "PUT") {
    r +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return r + "\r\n" + body;
}

std::string update(const std::string& show, const std::string& season = "1",
                   const std::string& episode = "1") {
  return R"({"username":"alice","tv_show":")" + show + R"(","season":)" + season +
         R"(,"episode":)" + episode + "}";
}

class HostileTest : public ServerTest {
 protected:
  int port() const { return service_->port(); }

  // A normal authenticated request, from a connection of its own, gets its 200 promptly.
  void expectOthersServed(const std::string& when) {
    auto start = SteadyClock::now();
    auto bob = clientFor("bob");
    auto r = bob->get("/api/show_user?username=bob");
    EXPECT_EQ(r.status, 200) << when << ": " << r.body;
    EXPECT_LT(SteadyClock::now() - start, 5s) << when;
  }

  // What the store holds for alice, read through the API.
  json::value aliceShows() {
    auto r = clientFor("alice")->get("/api/show_user?username=alice");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("shows");
  }
  json::value aliceFolders() {
    auto r = clientFor("alice")->get("/shows");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("shows");
  }
  std::int64_t aliceEpisodesWatched() {
    auto r = clientFor("alice")->get("/progress");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("total_episodes_watched").to_number<std::int64_t>();
  }
};

using HostileClientsTest = HostileTest;

// ---------------------------------------------------------------------------------------------
// Oversized requests (the plain 413 and 431 cases are in server_test.cpp).

class HostileSmallLimitsTest : public HostileTest {
  void adjust(app::Config& c) override {
    c.max_body_bytes = 1024;
    c.max_header_bytes = 2048;
  }
};

TEST_F(HostileSmallLimitsTest, ContentLengthFarAboveTheLimitIsRefusedBeforeTheBody) {
  for (const char* expect : {"", "Expect: 100-continue\r\n"}) {
    Conn c(port());
    // Only the header is sent: the answer must not wait for 10 TB of body.
    ASSERT_TRUE(c.send("POST /api/update_episode HTTP/1.1\r\nHost: test\r\n" +
                       std::string(kAliceAuth) + expect +
                       "Content-Type: application/json\r\nContent-Length: 10000000000000\r\n\r\n"));
    auto r = c.readResponse(5s);
    ASSERT_TRUE(r) << "no answer before the body; expect: " << expect;
    expectJsonError(*r, 413, expect);  // never "100 Continue"
    EXPECT_EQ(json::parse(r->body), json::parse(R"({"error":"Request body too large"})"));
    EXPECT_TRUE(r->hasHeader("connection: close"));
    EXPECT_TRUE(c.waitForClose(5s)) << "the server keeps the connection after a 413";
  }
  expectOthersServed("after a huge Content-Length");
}

TEST_F(HostileSmallLimitsTest, ChunkedBodyGrowingPastTheLimitGets413AndWritesNothing) {
  const std::string head = "POST /api/update_episode HTTP/1.1\r\nHost: test\r\n" +
                           std::string(kAliceAuth) +
                           "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  // Within the limit, a chunked body is fine (so the 413 below is about its size).
  {
    Conn c(port());
    std::string body = update("Lost");
    std::string first = body.substr(0, 10);
    std::string rest = body.substr(10);
    auto hex = [](std::size_t n) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%zx", n);
      return std::string(buf);
    };
    ASSERT_TRUE(c.send(head + hex(first.size()) + "\r\n" + first + "\r\n" + hex(rest.size()) +
                       "\r\n" + rest + "\r\n0\r\n\r\n"));
    auto r = c.readResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 201) << r->body;
  }
  ASSERT_EQ(aliceShows().as_array().size(), 1u);

  Conn c(port());
  ASSERT_TRUE(c.send(head));
  // An update of season 7 that never ends: 512-byte chunks, one at a time, until the server
  // answers (the third crosses 1024 bytes).
  std::string start = R"({"username":"alice","tv_show":"Lost","season":7,"episode":7,"pad":")";
  std::optional<RawResponse> r;
  for (int i = 0; i < 16 && !r; ++i) {
    std::string chunk =
        i == 0 ? start + std::string(512 - start.size(), 'x') : std::string(512, 'x');
    if (!c.send("200\r\n" + chunk + "\r\n")) break;
    r = c.readResponse(300ms);
  }
  if (!r) r = c.readResponse(5s);
  ASSERT_TRUE(r) << "no answer to a chunked body past the limit";
  expectJsonError(*r, 413, "chunked");
  EXPECT_TRUE(c.waitForClose(5s));
  // Still the episode written above, not season 7.
  EXPECT_EQ(aliceShows().at(0).at("season"), 1);
  expectOthersServed("after a chunked body past the limit");
}

TEST_F(HostileSmallLimitsTest, ManySmallHeadersAddingUpPastTheLimitGet431) {
  Conn c(port());
  std::string headers;
  for (int i = 0; i < 200; ++i) headers += "X-H" + std::to_string(i) + ": 0123456789\r\n";
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: test\r\n" + headers + "\r\n"));
  auto r = c.readResponse(5s);
  ASSERT_TRUE(r);
  expectJsonError(*r, 431, "many headers");
  EXPECT_TRUE(c.waitForClose(5s));
  expectOthersServed("after too many headers");
}

// ---------------------------------------------------------------------------------------------
// Slow and idle clients.

class HostileSlowClientsTest : public HostileTest {
  void adjust(app::Config& c) override {
    c.header_timeout_seconds = 1;
    c.io_timeout_seconds = 1;
  }
};

// Sends `prefix`, then one byte of `filler` every 100 ms, until the server closes the connection
// or `limit` passes; halfway through the first second, `during` runs once. Returns how long the
// connection lived and whether the server closed it; `received` gets what the server sent.
struct Trickle {
  bool closed = false;
  SteadyClock::duration lived{};
  std::string received;
};
template <typename During>
Trickle trickle(int port, const std::string& prefix, char filler, std::chrono::seconds limit,
                During during) {
  Trickle t;
  Conn c(port);
  auto start = SteadyClock::now();
  bool sent = c.send(prefix);
  for (int i = 0; sent && SteadyClock::now() - start < limit; ++i) {
    if (c.waitForClose(100ms)) break;
    if (i == 3) during();
    sent = c.send(std::string(1, filler));
  }
  // A send fails only once the server has closed; collect the close (or its reset) itself.
  t.closed = c.waitForClose(sent ? 0ms : 2000ms);
  t.lived = SteadyClock::now() - start;
  t.received = c.unread();
  return t;
}

TEST_F(HostileSlowClientsTest, HeadersTrickledByteByByteAreCutOffAtTheTimeout) {
  // Each byte arrives well within the timeout; the header as a whole never does. The timeout
  // must bound the whole header, not each read, or this client would hold the connection for
  // as long as it likes.
  Trickle t = trickle(port(),
                      "GET /api/show_user?username=alice HTTP/1.1\r\nHost: test\r\n" +
                          std::string(kAliceAuth) + "X-Slow: ",
                      'a', 1s + kCloseSlack + 2s,
                      [&] { expectOthersServed("while a client trickles its headers"); });
  EXPECT_TRUE(t.closed) << "the server kept a trickling connection open";
  EXPECT_LT(t.lived, 1s + kCloseSlack);
  EXPECT_EQ(t.received.find("200 OK"), std::string::npos) << t.received;
  expectOthersServed("after a trickling client");
}

TEST_F(HostileSlowClientsTest, HeadersSlowerThanTheTimeoutPerByteAreCutOff) {
  Conn c(port());
  auto start = SteadyClock::now();
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\n"));
  // The next byte would come after the timeout; the server does not wait for it.
  EXPECT_TRUE(c.waitForClose(1s + kCloseSlack));
  EXPECT_LT(SteadyClock::now() - start, 1s + kCloseSlack);
  EXPECT_EQ(c.unread().find("200 OK"), std::string::npos) << c.unread();
  expectOthersServed("after a slow client");
}

TEST_F(HostileSlowClientsTest, BodyTrickledByteByByteIsCutOffAndWritesNothing) {
  std::string body = update("Lost") + std::string(900, ' ');
  Trickle t = trickle(
      port(),
      "POST /api/update_episode HTTP/1.1\r\nHost: test\r\n" + std::string(kAliceAuth) +
          "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n" + update("Lost"),
      ' ', 1s + kCloseSlack + 2s, [&] { expectOthersServed("while a client trickles its body"); });
  EXPECT_TRUE(t.closed) << "the server kept a trickling connection open";
  EXPECT_LT(t.lived, 1s + kCloseSlack);
  EXPECT_EQ(t.received.find("201"), std::string::npos) << t.received;
  EXPECT_EQ(aliceShows(), json::array());
}

TEST_F(HostileSlowClientsTest, SilentAndIdleKeepAliveConnectionsAreClosedAfterTheTimeout) {
  auto start = SteadyClock::now();
  Conn silent(port());  // connects, never sends a byte
  Conn idle(port());    // one request, then nothing
  ASSERT_TRUE(idle.send(request("GET", "/healthz")));
  auto r = idle.readResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  expectOthersServed("while connections idle");
  EXPECT_TRUE(silent.waitForClose(1s + kCloseSlack));
  EXPECT_TRUE(idle.waitForClose(1s + kCloseSlack));
  EXPECT_LT(SteadyClock::now() - start, 2 * (1s + kCloseSlack));
  expectOthersServed("after idle connections were closed");
}

TEST_F(HostileClientsTest, TwoHundredIdleConnectionsDoNotStarveOthers) {
  std::vector<std::unique_ptr<Conn>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<Conn>(port()));
    // Half of them stop in the middle of a request line.
    if (i % 2 == 1) {
      ASSERT_TRUE(idle.back()->send("GET /api/show_us"));
    }
  }
  expectOthersServed("with 200 idle connections open");
  {
    HttpClient anonymous(baseUrl());
    EXPECT_EQ(anonymous.get("/healthz").status, 200);
  }
  // The idle ones are live connections too: the first and the last can still be served.
  for (Conn* c : {idle.front().get(), idle[198].get()}) {
    ASSERT_TRUE(c->send(request("GET", "/healthz")));
    auto r = c->readResponse(5s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  idle.clear();
  expectOthersServed("after 200 idle connections went away");
}

// Guessing passwords for many user names at once, from one address: each guess costs an
// Argon2id run on a worker thread until the address has failed free_failures_per_client (20)
// times; the rest are answered 429 unchecked, so the workers stay free and a logged-in user's
// /progress (which runs on them) is answered meanwhile. Logins already verified are not
// throttled; a new one from that address is, until its delay passes.
class HostileGuessingTest : public HostileTest {
  // Room for every guess in the password pool's queue: the throttle alone is under test here
  // (the queue's bound is, below).
  void adjust(app::Config& c) override { c.password_queue = 1000; }
};

TEST_F(HostileGuessingTest, GuessingManyUserNamesAtOnceIsThrottledAndOthersAreServed) {
  constexpr int kGuesses = 200;  // within max_connections_per_client (256)
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->get("/progress").status, 200);  // alice's login is verified and remembered

  std::vector<std::unique_ptr<Conn>> guesses;
  for (int i = 0; i < kGuesses; ++i) {
    std::string encoded = base64Encode("guess" + std::to_string(i) + ":wrong-password");
    guesses.push_back(std::make_unique<Conn>(port()));
    ASSERT_TRUE(guesses.back()->send(
        request("GET", "/progress", "", "Authorization: Basic " + encoded + "\r\n")));
  }

  auto start = SteadyClock::now();
  auto r = alice->get("/progress");
  EXPECT_EQ(r.status, 200) << r.body;
  // Without the throttle this waits for ~200 Argon2id runs on 2 threads (10 s and more).
  EXPECT_LT(SteadyClock::now() - start, 5s) << "a logged-in user waited behind the guesses";

  int throttled = 0;
  for (int i = 0; i < kGuesses; ++i) {
    auto answer = guesses[i]->readResponse(20s);
    ASSERT_TRUE(answer) << "guess " << i << " got no answer";
    if (answer->status == 429) {
      ++throttled;
      expectJsonError(*answer, 429, "guess " + std::to_string(i));
      EXPECT_NE(answer->head.find("\r\nretry-after: "), std::string::npos) << answer->head;
      EXPECT_NE(answer->body.find("Too many failed logins"), std::string::npos) << answer->body;
    } else {
      expectJsonError(*answer, 401, "guess " + std::to_string(i));
    }
  }
  // All but the first few (20 free failures, plus those already running) were not checked.
  EXPECT_GE(throttled, kGuesses - 40);

  // A new login from the address is throttled too, the right password or not; alice's is not.
  auto root = clientFor("root");
  r = root->get("/progress");
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(alice->get("/progress").status, 200);
}

class HostileSmallPasswordQueueTest : public HostileTest {
  void adjust(app::Config& c) override {
    c.password_threads = 1;
    c.password_queue = 2;
  }
};

// Guesses from many addresses at once (a botnet; here 60 addresses of the loopback network),
// which the per-client throttle does not slow: the password pool's queue stays short, the
// rest are told 503 at once without a check, and a signed-in user is served meanwhile.
TEST_F(HostileSmallPasswordQueueTest, GuessesFromManyAddressesFindTheQueueFull) {
  constexpr int kGuesses = 60;
  auto alice = clientFor("alice");
  ASSERT_EQ(alice->get("/progress").status, 200);  // verified and remembered
  std::vector<std::unique_ptr<Conn>> guesses;
  for (int i = 0; i < kGuesses; ++i) {
    std::string address = "127.0.1." + std::to_string(i + 1);
    guesses.push_back(std::make_unique<Conn>(port(), address.c_str()));
    std::string encoded = base64Encode("guess" + std::to_string(i) + ":wrong-password");
    ASSERT_TRUE(guesses.back()->send(
        request("GET", "/progress", "", "Authorization: Basic " + encoded + "\r\n")));
  }
  EXPECT_EQ(alice->get("/progress").status, 200);
  int busy = 0;
  for (int i = 0; i < kGuesses; ++i) {
    auto answer = guesses[i]->readResponse(20s);
    ASSERT_TRUE(answer) << "guess " << i << " got no answer";
    if (answer->status == 503) {
      ++busy;
      EXPECT_TRUE(answer->hasHeader("retry-after: 1")) << answer->head;
      EXPECT_NE(answer->body.find("Too many sign-ins are being checked"), std::string::npos);
    } else {
      expectJsonError(*answer, 401, "guess " + std::to_string(i));
    }
  }
  // At most the one running and the two waiting at any moment were checked, and a few more as
  // checks finished while the guesses arrived.
  EXPECT_GE(busy, kGuesses / 2) << "the password pool's queue grew with the guesses";
  EXPECT_EQ(alice->get("/progress").status, 200);
}

// Connections over max_connections get 503 (server_test.cpp); idle connections holding every
// slot are closed by the io timeout, after which the server serves again.
class HostileFewConnectionsTest : public HostileTest {
  void adjust(app::Config& c) override {
    c.max_connections = 4;
    c.header_timeout_seconds = 1;
  }
};

TEST_F(HostileFewConnectionsTest, IdleConnectionsHoldingEverySlotAreReleasedByTheTimeout) {
  std::vector<std::unique_ptr<Conn>> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(std::make_unique<Conn>(port()));
  for (int i = 0; i < 3; ++i) {
    Conn over(port());
    auto refused = over.readResponse(5s);
    ASSERT_TRUE(refused) << "no answer over the cap";
    expectJsonError(*refused, 503, "over the cap");
    EXPECT_EQ(json::parse(refused->body), json::parse(R"({"error":"Too many connections"})"));
    EXPECT_TRUE(over.waitForClose(5s));
  }
  for (auto& c : idle) EXPECT_TRUE(c->waitForClose(1s + kCloseSlack));
  // A closed connection's slot is free once its session has ended, a moment after the close is
  // visible here: allow a bounded number of retries.
  auto deadline = SteadyClock::now() + 5s;
  long status = 0;
  while (SteadyClock::now() < deadline) {
    auto bob = clientFor("bob");
    status = bob->get("/api/show_user?username=bob").status;
    if (status != 503) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(status, 200);
}

// ---------------------------------------------------------------------------------------------
// Pipelining.

TEST_F(HostileClientsTest, PipelinedRequestsAreAnsweredInOrder) {
  Conn c(port());
  ASSERT_TRUE(
      c.send(request("POST", "/api/update_episode", update("Lost", "1", "2"), kAliceAuth) +
             request("GET", "/api/show_episode?username=alice&tv_show=Lost", "", kAliceAuth) +
             request("GET", "/nowhere") +
             request("POST", "/api/update_episode", update("Lost", "3", "4"), kAliceAuth) +
             request("GET", "/api/show_episode?username=alice&tv_show=Lost", "", kAliceAuth)));
  std::vector<RawResponse> got;
  while (got.size() < 5) {
    auto r = c.readResponse(10s);
    ASSERT_TRUE(r) << "only " << got.size() << " of 5 answers";
    got.push_back(*r);
  }
  EXPECT_EQ(got[0].status, 201);
  EXPECT_EQ(json::parse(got[0].body).at("episode"), 2);
  EXPECT_EQ(got[1].status, 200);
  EXPECT_EQ(json::parse(got[1].body).at("episode"), 2);  // sees the write before it, only
  expectJsonError(got[2], 404, "pipelined unknown path");
  EXPECT_EQ(got[3].status, 201);
  EXPECT_EQ(got[4].status, 200);
  EXPECT_EQ(json::parse(got[4].body).at("season"), 3);
  EXPECT_EQ(json::parse(got[4].body).at("episode"), 4);
  // The connection stays usable.
  ASSERT_TRUE(c.send(request("GET", "/healthz")));
  auto r = c.readResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  expectOthersServed("after pipelined requests");
}

TEST_F(HostileClientsTest, PipelinedRequestsStopAtCloseOrAtAMalformedOne) {
  {
    Conn c(port());
    ASSERT_TRUE(c.send(request("GET", "/healthz", "", "Connection: close\r\n") +
                       request("POST", "/api/update_episode", update("Lost"), kAliceAuth)));
    auto r = c.readResponse(5s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(r->hasHeader("connection: close"));
    EXPECT_TRUE(c.waitForClose(5s));
    EXPECT_EQ(c.unread(), "") << "answered a request sent after Connection: close";
  }
  {
    Conn c(port());
    ASSERT_TRUE(c.send(request("GET", "/healthz") + "GET /he\x01lthz HTTP/1.1\r\n\r\n" +
                       request("POST", "/api/update_episode", update("Lost"), kAliceAuth)));
    auto first = c.readResponse(5s);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200);
    auto second = c.readResponse(5s);
    ASSERT_TRUE(second);
    expectJsonError(*second, 400, "malformed pipelined request");
    EXPECT_TRUE(c.waitForClose(5s));
    EXPECT_EQ(c.unread(), "") << "answered a request after a malformed one";
  }
  EXPECT_EQ(aliceShows(), json::array());
  expectOthersServed("after pipelined requests");
}

// ---------------------------------------------------------------------------------------------
// JSON bodies built to break the parser.

TEST_F(HostileClientsTest, InvalidUtf8InTvShowIs400AndWritesNothing) {
  auto alice = clientFor("alice");
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"C3 28", update("Bad\xC3\x28")},
      {"lone continuation byte", update("\x80")},
      {"FF", update("\xFF")},
      {"overlong '/'", update("\xC0\xAF")},
      {"UTF-16 surrogate", update("\xED\xA0\x80")},
      {"above U+10FFFF", update("\xF4\x90\x80\x80")},
      {"truncated sequence", update("\xE2\x82")},
      {"escaped lone surrogate", update("\\ud800")},
      {"in a key", R"({"username":"alice","tv_show":"Lost","season":1,"episode":1,"x)"
                   "\xC3\x28"
                   R"(":1})"},
  };
  for (const auto& [what, body] : bodies) {
    auto r = alice->post("/api/update_episode", body);
    EXPECT_EQ(r.status, 400) << what;
    EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8") << what;
    EXPECT_EQ(json::parse(r.body), json::parse(R"({"error":"Request body is not valid JSON"})"))
        << what;
  }
  EXPECT_EQ(aliceShows(), json::array());
  expectOthersServed("after invalid UTF-8");
}

TEST_F(HostileClientsTest, InvalidUtf8InSyncFolderNameIs400AndWritesNothing) {
  auto alice = clientFor("alice");
  auto sync = [](const std::string& folder) {
    return R"({"episodes":[{"folder_name":"Free!","file_name":"Free! - 01"},{"folder_name":")" +
           folder + R"(","file_name":"x - 01"}]})";
  };
  for (const auto& [what, folder] : std::vector<std::pair<std::string, std::string>>{
           {"C3 28", "Bad\xC3\x28"}, {"FF", "\xFF"}, {"escaped lone surrogate", "\\udc00"}}) {
    auto r = alice->post("/sync", sync(folder));
    EXPECT_EQ(r.status, 400) << what;
    EXPECT_EQ(json::parse(r.body), json::parse(R"({"error":"Request body is not valid JSON"})"))
        << what;
  }
  // Valid JSON, but a name no store should hold: the whole request is refused.
  auto r = alice->post("/sync", sync("nul\\u0000inside"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body).at("error"),
            "episodes[1].folder_name must be a non-empty UTF-8 string of at most 1024 bytes");
  EXPECT_EQ(aliceFolders(), json::array());
  EXPECT_EQ(aliceEpisodesWatched(), 0);
  expectOthersServed("after invalid UTF-8 in /sync");
}

TEST_F(HostileClientsTest, DeeplyNestedJsonIs400) {
  auto alice = clientFor("alice");
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"100000 '['", std::string(100000, '[')},
      {"100000 '{\"a\":'",
       [] {
         std::string s;
         for (int i = 0; i < 100000; ++i) s += R"({"a":)";
         return s;
       }()},
      {"1000 balanced '[]'", std::string(1000, '[') + std::string(1000, ']')},
      {"nested inside a valid update", R"({"username":"alice","tv_show":"Lost","season":1,)"
                                       R"("episode":1,"x":)" +
                                           std::string(5000, '[') + std::string(5000, ']') + "}"},
  };
  for (const auto& [what, body] : bodies) {
    for (const char* path : {"/api/update_episode", "/sync"}) {
      auto r = alice->post(path, body);
      // Only the syncs read more than 64 KiB; the others refuse such a body unread.
      bool too_large = std::string_view(path) != "/sync" && body.size() > 64 * 1024;
      EXPECT_EQ(r.status, too_large ? 413 : 400) << what << " to " << path;
      EXPECT_EQ(json::parse(r.body),
                json::parse(too_large ? R"({"error":"Request body too large"})"
                                      : R"({"error":"Request body is not valid JSON"})"))
          << what << " to " << path;
    }
  }
  EXPECT_EQ(aliceShows(), json::array());
  EXPECT_EQ(aliceEpisodesWatched(), 0);
  expectOthersServed("after deeply nested JSON");
}

TEST_F(HostileClientsTest, HugeNumbersAre400AndWriteNothing) {
  auto alice = clientFor("alice");
  const std::string kNotInteger = R"({"error":"Season and episode must be valid integers"})";
  const std::string kNotPositive = R"({"error":"Season and episode must be positive integers"})";
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"1e400", "1", kNotInteger},  // a double, infinite
      {"1", "-1e400", kNotInteger},
      {"18446744073709551616", "1", kNotInteger},  // 2^64
      {"18446744073709551615", "1", kNotInteger},  // 2^64-1: a uint64
      {"9223372036854775807", "1", kNotInteger},   // INT64_MAX
      {"2147483648", "1", kNotInteger},            // 2^31: above the documented maximum
      {"1", std::string(5000, '9'), kNotInteger},
      {"1", "\"" + std::string(5000, '9') + "\"", kNotInteger},
      {"-9223372036854775809", "1", kNotPositive},
      {"1", "-9223372036854775808", kNotPositive},
      {"1e-400", "1", kNotPositive},  // underflows to 0
  };
  for (const auto& [season, episode, error] : cases) {
    auto r = alice->post("/api/update_episode", update("Lost", season, episode));
    EXPECT_EQ(r.status, 400) << season << " / " << episode.substr(0, 30);
    EXPECT_EQ(json::parse(r.body), json::parse(error)) << season << " / " << episode.substr(0, 30);
  }
  EXPECT_EQ(aliceShows(), json::array());

  // TVDB ids: rejected before TVDB (not configured here) or the folder is looked at.
  ASSERT_EQ(
      alice->post("/sync", R"({"episodes":[{"folder_name":"Free!","file_name":"Free! - 01"}]})")
          .status,
      200);
  for (const char* id : {"1e400", "18446744073709551616", "-9223372036854775809", "0"}) {
    auto r = alice->request("PUT", "/show",
                            std::string(R"({"folder_name":"Free!","tvdb_id":)") + id + "}");
    EXPECT_EQ(r.status, 400) << id;
    EXPECT_EQ(json::parse(r.body), json::parse(R"({"error":"tvdb_id must be a positive integer"})"))
        << id;
  }
  EXPECT_EQ(aliceFolders().at(0).at("tvdb_id"), nullptr);
  expectOthersServed("after huge numbers");
}

// Duplicate keys: Boost.JSON keeps the last occurrence, and the handlers check and write that
// same value, so a duplicate cannot smuggle another user past the access check.
TEST_F(HostileClientsTest, DuplicateKeysTheLastOneWinsAndIsTheOneChecked) {
  auto alice = clientFor("alice");
  auto r = alice->post(
      "/api/update_episode",
      R"({"username":"alice","tv_show":"Lost","season":1,"episode":1,"username":"bob"})");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"error":"You may only access your own data"})"));

  r = alice->post(
      "/api/update_episode",
      R"({"username":"bob","tv_show":"A","tv_show":"B","season":1,"episode":1,"username":"alice"})");
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::parse(r.body).at("username"), "alice");
  EXPECT_EQ(json::parse(r.body).at("tv_show"), "B");
  json::value shows = aliceShows();
  ASSERT_EQ(shows.as_array().size(), 1u);
  EXPECT_EQ(shows.at(0).at("tv_show"), "B");

  auto bob = clientFor("bob");
  auto bobs = bob->get("/api/show_user?username=bob");
  ASSERT_EQ(bobs.status, 200);
  EXPECT_EQ(json::parse(bobs.body).at("total_shows"), 0);

  // /sync acts for the caller whatever the body says; a repeated list is the last one.
  r = alice->post("/sync?user=alice",
                  R"({"episodes":[{"folder_name":"First","file_name":"f"}],"user":"bob",)"
                  R"("episodes":[{"folder_name":"Second","file_name":"s"}]})");
  EXPECT_EQ(r.status, 200) << r.body;
  json::value folders = aliceFolders();
  ASSERT_EQ(folders.as_array().size(), 1u);
  EXPECT_EQ(folders.at(0).at("folder_name"), "Second");
  auto bob_folders = bob->get("/shows");
  ASSERT_EQ(bob_folders.status, 200);
  EXPECT_EQ(json::parse(bob_folders.body).at("shows"), json::array());
}

// ---------------------------------------------------------------------------------------------
// Bodies: read only once the caller may send them, within the route's limit and the budget.

// Strangers are answered from the head alone: no credentials, wrong ones, a made-up session, a
// throttled address. Only the head is sent here; before the server answered only once the
// whole body had come (or its timeout, 30 s, had passed), holding the body meanwhile.
TEST_F(HostileClientsTest, StrangersAreAnsweredBeforeTheirBodyIsRead) {
  const std::string wrong = "Authorization: Basic " + base64Encode("alice:wrong") + "\r\n";
  const std::vector<std::pair<std::string, std::string>> strangers = {
      {"no credentials", ""},
      {"a wrong password", wrong},
      {"a made-up token", "Authorization: Bearer itk_00000000_madeup\r\n"},
      {"a made-up session", "Cookie: it_session=madeup\r\nSec-Fetch-Site: same-origin\r\n"},
  };
  for (const auto& [who, credentials] : strangers) {
    for (const char* expect : {"", "Expect: 100-continue\r\n"}) {
      Conn c(port());
      ASSERT_TRUE(c.send("POST /sync HTTP/1.1\r\nHost: test\r\n" + credentials + expect +
                         "Content-Type: application/json\r\nContent-Length: 8000000\r\n\r\n{"));
      auto r = c.readResponse(5s);
      ASSERT_TRUE(r) << who << ": no answer before the body";
      expectJsonError(*r, 401, who);  // never "100 Continue"
      EXPECT_TRUE(r->hasHeader("connection: close")) << who;
      EXPECT_TRUE(c.waitForClose(5s)) << who << ": the connection stays open";
    }
  }
  // Routes and methods that do not exist need no body either.
  for (const auto& [line, status] :
       std::vector<std::pair<std::string, int>>{{"POST /nowhere", 404}, {"DELETE /sync", 405}}) {
    Conn c(port());
    ASSERT_TRUE(c.send(line + " HTTP/1.1\r\nHost: test\r\n" + kAliceAuth +
                       "Content-Type: application/json\r\nContent-Length: 8000000\r\n\r\n"));
    auto r = c.readResponse(5s);
    ASSERT_TRUE(r) << line << ": no answer before the body";
    expectJsonError(*r, status, line);
  }
  EXPECT_EQ(aliceEpisodesWatched(), 0);
  expectOthersServed("after strangers' bodies");
}

// A signed-in caller's body larger than its route takes (64 KiB but for the syncs) is refused
// from its Content-Length, before it is sent.
TEST_F(HostileClientsTest, BodiesOverTheirRoutesLimitAreRefusedUnread) {
  for (const char* path : {"/api/update_episode", "/api/tokens", "/api/me/time_zone"}) {
    Conn c(port());
    std::string method = std::string(path) == "/api/me/time_zone" ? "PUT" : "POST";
    ASSERT_TRUE(c.send(method + " " + path + " HTTP/1.1\r\nHost: test\r\n" + kAliceAuth +
                       "Content-Type: application/json\r\nContent-Length: 65537\r\n\r\n"));
    auto r = c.readResponse(5s);
    ASSERT_TRUE(r) << path << ": no answer before the body";
    expectJsonError(*r, 413, path);
  }
  EXPECT_EQ(aliceShows(), json::array());
  // Exactly 64 KiB is read.
  std::string padded = update("Lost");
  padded.insert(1, std::string(65536 - padded.size(), ' '));
  auto r = clientFor("alice")->post("/api/update_episode", padded);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(aliceShows().as_array().size(), 1u);
}

// The syncs keep the server's max_body_bytes (8 MiB by default), though the import reads more.
TEST_F(HostileClientsTest, TheSyncsKeepTheServersBodyLimit) {
  for (const char* path : {"/sync", "/syncmovies", "/syncyoutube", "/syncspotify"}) {
    Conn c(port());
    ASSERT_TRUE(c.send(std::string("POST ") + path + " HTTP/1.1\r\nHost: test\r\n" + kAliceAuth +
                       "Content-Type: application/json\r\nContent-Length: " +
                       std::to_string(8 * 1024 * 1024 + 1) + "\r\n\r\n"));
    auto r = c.readResponse(5s);
    ASSERT_TRUE(r) << path << ": no answer before the body";
    expectJsonError(*r, 413, path);
  }
}

// Writes must say they are JSON: an HTML form on another site can send form data or text/plain
// with a browser's remembered Basic credentials, never application/json.
TEST_F(HostileClientsTest, WritesThatDoNotSayJsonGet415AndChangeNothing) {
  auto alice = clientFor("alice");
  for (const char* type : {"application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
                           "application/jsonp", ""}) {
    std::vector<std::string> headers;
    if (*type != '\0')
      headers.push_back(std::string("Content-Type: ") + type);
    else
      headers.push_back("Content-Type:");  // curl then sends none
    auto r = alice->request("POST", "/api/update_episode", update("Lost"), headers);
    EXPECT_EQ(r.status, 415) << type << ": " << r.body;
    EXPECT_EQ(json::parse(r.body),
              json::parse(R"({"error":"Content-Type must be application/json"})"))
        << type;
    EXPECT_EQ(
        alice->request("PUT", "/api/me/time_zone", R"({"time_zone":"Asia/Tokyo"})", headers).status,
        415)
        << type;
  }
  EXPECT_EQ(aliceShows(), json::array());
  // With parameters and in any case, JSON is JSON.
  auto r = alice->request("POST", "/api/update_episode", update("Lost"),
                          {"Content-Type: Application/JSON; charset=utf-8"});
  EXPECT_EQ(r.status, 201) << r.body;
  // Deletions carry no body to type.
  EXPECT_NE(alice->request("DELETE", "/api/tokens/0000", "", {"Content-Type:"}).status, 415);
}

// A logged-in user's body built to multiply in memory (8 MiB of "[]," is 2.8 million values,
// over 100 MiB while parsing) is refused as the parse outgrows its budget.
TEST_F(HostileClientsTest, JsonBuiltToMultiplyIsRefusedWhileParsing) {
  std::string body = R"({"episodes":[)";
  while (body.size() < 6 * 1024 * 1024) body += "[],";
  body += "[]]}";
  auto r = clientFor("alice")->post("/sync", body);
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 200);
  EXPECT_EQ(json::parse(r.body),
            json::parse(R"({"error":"Request body holds too many JSON values"})"));
  EXPECT_EQ(aliceEpisodesWatched(), 0);
  // The largest valid sync still parses: 10,000 episodes.
  std::string sync = R"({"episodes":[)";
  for (int i = 0; i < 10000; ++i) {
    if (i > 0) sync += ",";
    sync += R"({"folder_name":"Show )" + std::to_string(i % 50) + R"(","file_name":"Show - )" +
            std::to_string(i) + R"("})";
  }
  sync += "]}";
  r = clientFor("alice")->post("/sync", sync);
  EXPECT_EQ(r.status, 200) << r.body.substr(0, 200);
  EXPECT_EQ(aliceEpisodesWatched(), 10000);
}

class HostileBodyBudgetTest : public HostileTest {
  void adjust(app::Config& c) override {
    c.max_body_bytes = 256 * 1024;
    // The budget is never below the largest body a route reads (the import's).
    c.max_import_bytes = 256 * 1024;
    c.max_body_bytes_in_flight = 512 * 1024;
  }
};

// Bodies in flight share a budget: two half-sent 256 KiB syncs fill it, a third is told to come
// back (503, Retry-After) without the server taking its body; once one finishes, it is served.
TEST_F(HostileBodyBudgetTest, PastTheBudgetForBodiesA503SaysComeBack) {
  const std::string head = "POST /sync HTTP/1.1\r\nHost: test\r\n" + std::string(kAliceAuth) +
                           "Content-Type: application/json\r\nContent-Length: 262144\r\n\r\n";
  std::string body = R"({"episodes":[{"folder_name":"A","file_name":"A - 01"}]})";
  body += std::string(262144 - body.size(), ' ');
  // The server says "100 Continue" once it has taken a body's room from the budget.
  const std::string expect_head = head.substr(0, head.size() - 2) + "Expect: 100-continue\r\n\r\n";
  Conn first(port());
  Conn second(port());
  for (Conn* c : {&first, &second}) {
    ASSERT_TRUE(c->send(expect_head));
    auto go_on = c->readResponse(5s);
    ASSERT_TRUE(go_on) << "no 100 Continue";
    ASSERT_EQ(go_on->status, 100);
    ASSERT_TRUE(c->send(body.substr(0, 1000)));
  }
  Conn third(port());
  ASSERT_TRUE(third.send(head));
  auto refused = third.readResponse(5s);
  ASSERT_TRUE(refused) << "no answer to the third sync";
  expectJsonError(*refused, 503, "third sync");
  EXPECT_TRUE(refused->hasHeader("retry-after: 1")) << refused->head;
  // Other requests (with small bodies, or none) are still served meanwhile.
  expectOthersServed("while the budget is spent");

  ASSERT_TRUE(first.send(body.substr(1000)));
  auto done = first.readResponse(5s);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 200) << done->body;
  Conn fourth(port());
  ASSERT_TRUE(fourth.send(head + body));
  auto served = fourth.readResponse(5s);
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200) << served->body;
}

// ---------------------------------------------------------------------------------------------
// POST /api/import reads up to max_import_bytes, a limit of its own, larger than the server's
// max_body_bytes; every other route keeps its limit.

class HostileImportLimitsTest : public HostileTest {
 protected:
  static constexpr std::size_t kServerLimit = 16 * 1024;
  static constexpr std::size_t kImportLimit = 256 * 1024;
  void adjust(app::Config& c) override {
    c.max_body_bytes = kServerLimit;
    c.max_import_bytes = kImportLimit;
  }

  // A request's head announcing `length` bytes of JSON, with `credentials` (header lines).
  static std::string head(const std::string& line, const std::string& credentials,
                          std::size_t length, const std::string& expect = "") {
    return line + " HTTP/1.1\r\nHost: test\r\n" + credentials + expect +
           "Content-Type: application/json\r\nContent-Length: " + std::to_string(length) +
           "\r\n\r\n";
  }

  // The items alice's export holds.
  std::size_t aliceItems() {
    auto r = clientFor("alice")->get("/api/export");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).at("items").as_array().size();
  }

  // bob's (empty) export, with `count` episodes.
  std::string exportOfEpisodes(int count) {
    json::object doc = json::parse(clientFor("bob")->get("/api/export").body).as_object();
    json::array items;
    for (int i = 0; i < count; ++i) {
      items.push_back(json::object{{"kind", "episode"},
                                   {"timestamp", 1'700'000'000 + (i / 100) * 3600},
                                   {"folder_name", "Show " + std::to_string(i % 10)},
                                   {"file_name", "Episode " + std::to_string(i) + ".mkv"}});
    }
    doc["items"] = std::move(items);
    return json::serialize(doc);
  }
};

TEST_F(HostileImportLimitsTest, AnImportOverTheServersBodyLimitButWithinItsOwnIsImported) {
  const int count = 1000;
  const std::string body = exportOfEpisodes(count);
  ASSERT_GT(body.size(), kServerLimit);
  ASSERT_LT(body.size(), kImportLimit);

  auto r = clientFor("alice")->post("/api/import", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).at("items_added"), count);
  EXPECT_EQ(aliceItems(), static_cast<std::size_t>(count));
  EXPECT_EQ(aliceEpisodesWatched(), count);
}

// The command-line client (immersion-tracker import) is told, through libcurl, how much of its
// file has gone: never backwards, all of it in the end.
TEST_F(HostileImportLimitsTest, TheClientIsToldHowMuchOfItsImportHasGone) {
  const std::string body = exportOfEpisodes(1000);
  net::CurlTransport transport(net::CurlTransport::Options{});
  client::ApiClient api(client::ServerLogin{baseUrl(), "alice", "alice-pass", ""}, transport);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> told;
  auto reply = api.postJsonText("api/import", body, [&](std::uint64_t sent, std::uint64_t total) {
    told.emplace_back(sent, total);
  });
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body.at("items_added"), 1000);
  ASSERT_FALSE(told.empty());
  for (std::size_t i = 1; i < told.size(); ++i) {
    EXPECT_GE(told[i].first, told[i - 1].first) << i;
  }
  EXPECT_EQ(told.back().first, body.size());
  EXPECT_EQ(told.back().second, body.size());
  // Without a callback, nothing is told (and nothing breaks): the next call's handle is reset.
  EXPECT_EQ(api.postJsonText("api/import", body).body.at("items_present"), 1000);
}

// A signed-in caller's import over max_import_bytes is refused from its Content-Length, before
// any of it is sent (and never told "100 Continue"); one far over it, with the head.
TEST_F(HostileImportLimitsTest, AnImportOverItsLimitIsRefusedFromItsContentLength) {
  for (const char* expect : {"", "Expect: 100-continue\r\n"}) {
    for (std::size_t length : {kImportLimit + 1, std::size_t{10'000'000'000'000}}) {
      std::string what = std::to_string(length) + " bytes; expect: " + expect;
      Conn c(port());
      ASSERT_TRUE(c.send(head("POST /api/import", kAliceAuth, length, expect) + "{"));
      auto r = c.readResponse(5s);
      ASSERT_TRUE(r) << what << ": no answer before the body";
      expectJsonError(*r, 413, what);
      EXPECT_EQ(json::parse(r->body), json::parse(R"({"error":"Request body too large"})"));
      EXPECT_TRUE(r->hasHeader("connection: close")) << what;
      EXPECT_TRUE(c.waitForClose(5s)) << what << ": the connection stays open";
    }
  }
  EXPECT_EQ(aliceItems(), 0u);
  expectOthersServed("after imports over their limit");
}

// Strangers get 401 for an import within its limit, 413 for one over it, from the head alone:
// none of their body is read, however large the import's limit.
TEST_F(HostileImportLimitsTest, StrangersImportsAreAnsweredBeforeTheirBodyIsRead) {
  const std::string wrong = "Authorization: Basic " + base64Encode("alice:wrong") + "\r\n";
  for (const auto& [who, credentials] : std::vector<std::pair<std::string, std::string>>{
           {"no credentials", ""}, {"a wrong password", wrong}}) {
    for (const auto& [length, status] :
         std::vector<std::pair<std::size_t, int>>{{kImportLimit, 401}, {kImportLimit + 1, 413}}) {
      std::string what = who + ", " + std::to_string(length) + " bytes";
      Conn c(port());
      ASSERT_TRUE(c.send(head("POST /api/import", credentials, length) + "{"));
      auto r = c.readResponse(5s);
      ASSERT_TRUE(r) << what << ": no answer before the body";
      expectJsonError(*r, status, what);
      EXPECT_TRUE(r->hasHeader("connection: close")) << what;
      EXPECT_TRUE(c.waitForClose(5s)) << what << ": the connection stays open";
    }
  }
  EXPECT_EQ(aliceItems(), 0u);
  expectOthersServed("after strangers' imports");
}

// The syncs read up to the server's max_body_bytes, and every other route no more than it
// does today (64 KiB, signing in 4 KiB, both capped by max_body_bytes), however large the
// import's limit.
TEST_F(HostileImportLimitsTest, EveryOtherRouteKeepsItsLimit) {
  for (const auto& [line, length] : std::vector<std::pair<std::string, std::size_t>>{
           {"POST /sync", kServerLimit + 1},
           {"POST /syncyoutube", kServerLimit + 1},
           {"POST /api/update_episode", kServerLimit + 1},
           {"POST /api/logs", kServerLimit + 1},
           {"POST /api/session", 4097}}) {
    Conn c(port());
    ASSERT_TRUE(c.send(head(line, line == "POST /api/session" ? "" : kAliceAuth, length)));
    auto r = c.readResponse(5s);
    ASSERT_TRUE(r) << line << ": no answer before the body";
    expectJsonError(*r, 413, line);
  }
  EXPECT_EQ(aliceEpisodesWatched(), 0);
  // Exactly the server's limit is read.
  std::string sync = R"({"episodes":[{"folder_name":"A","file_name":"A - 01"}]})";
  sync.insert(1, std::string(kServerLimit - sync.size(), ' '));
  auto r = clientFor("alice")->post("/sync", sync);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(aliceEpisodesWatched(), 1);
}

class HostileFewPerClientTest : public HostileTest {
  void adjust(app::Config& c) override { c.max_connections_per_client = 3; }
};

// One client cannot take every slot: past its own cap its connections are refused, while
// another address is served.
TEST_F(HostileFewPerClientTest, ConnectionsPastTheClientsCapAreRefused) {
  std::vector<std::unique_ptr<Conn>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<Conn>(port()));
  Conn over(port());
  auto refused = over.readResponse(5s);
  ASSERT_TRUE(refused) << "no answer over the client's cap";
  expectJsonError(*refused, 503, "over the client's cap");
  Conn other(port(), "127.0.0.2");
  ASSERT_TRUE(other.send(request("GET", "/healthz")));
  auto r = other.readResponse(5s);
  ASSERT_TRUE(r) << "another client was not served";
  EXPECT_EQ(r->status, 200);
  // A closed connection gives its slot back (a moment after the close is seen here).
  held.clear();
  long status = 0;
  for (auto deadline = SteadyClock::now() + 5s; SteadyClock::now() < deadline;) {
    Conn again(port());
    if (!again.send(request("GET", "/healthz"))) continue;
    auto answer = again.readResponse(5s);
    status = answer ? answer->status : 0;
    if (status == 200) break;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(status, 200);
}

class HostileHeaderTimeoutTest : public HostileTest {
  void adjust(app::Config& c) override {
    c.header_timeout_seconds = 1;
    c.io_timeout_seconds = 20;
  }
};

// Headers have a shorter timeout than bodies: a silent connection goes after it, while an
// admitted body may take longer than it.
TEST_F(HostileHeaderTimeoutTest, HeadersGetAShorterTimeoutThanBodies) {
  Conn silent(port());
  auto start = SteadyClock::now();
  EXPECT_TRUE(silent.waitForClose(1s + kCloseSlack));
  EXPECT_LT(SteadyClock::now() - start, 1s + kCloseSlack);

  Conn slow(port());
  std::string body = update("Lost");
  ASSERT_TRUE(
      slow.send("POST /api/update_episode HTTP/1.1\r\nHost: test\r\n" + std::string(kAliceAuth) +
                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n" + body.substr(0, 5)));
  EXPECT_FALSE(slow.waitForClose(1500ms)) << "a body was cut off at the header timeout";
  ASSERT_TRUE(slow.send(body.substr(5)));
  auto r = slow.readResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201) << r->body;
}

// ---------------------------------------------------------------------------------------------
// Request lines no client would send.

TEST_F(HostileClientsTest, AbsurdRequestLinesGetJsonErrors) {
  struct Case {
    std::string what;
    std::string bytes;
    int status;
    bool closes;
  };
  const std::vector<Case> cases = {
      {"10 KB path", request("GET", "/" + std::string(10 * 1024, 'a')), 404, false},
      {"10 KB query", request("GET", "/healthz?" + std::string(10 * 1024, 'q')), 200, false},
      {"20 KB path, over the header limit", request("GET", "/" + std::string(20 * 1024, 'a')), 431,
       true},
      {"NUL in the path", request("GET", std::string("/heal\0thz", 9)), 400, true},
      {"NUL in the method", request(std::string("GE\0T", 4), "/healthz"), 400, true},
      {"percent-encoded NUL", request("GET", "/healthz%00"), 404, false},
      {"unknown method", request("FROBNICATE", "/healthz"), 405, false},
      {"10 KB method", request(std::string(10 * 1024, 'M'), "/healthz"), 405, false},
      {"absolute-form target", request("GET", "http://127.0.0.1/healthz"), 400, false},
      {"authority-form target", request("CONNECT", "example.org:443"), 400, false},
      {"asterisk-form target", request("OPTIONS", "*"), 400, false},
      {"no target", "GET HTTP/1.1\r\nHost: test\r\n\r\n", 400, true},
      {"space in the target", "GET /heal thz HTTP/1.1\r\nHost: test\r\n\r\n", 400, true},
      {"unknown version", "GET /healthz HTTP/7.1\r\nHost: test\r\n\r\n", 400, true},
      {"not HTTP at all",
       std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(64, '\x00') +
           "\r\n\r\n",
       400, true},
  };
  for (const auto& c : cases) {
    Conn conn(port());
    ASSERT_TRUE(conn.send(c.bytes)) << c.what;
    auto r = conn.readResponse(5s);
    if (!r) {
      ADD_FAILURE() << c.what << ": no answer; the connection "
                    << (conn.waitForClose(0ms) ? "was closed" : "stays open");
      continue;
    }
    if (c.status == 200) {
      EXPECT_EQ(r->status, 200) << c.what;
    } else {
      expectJsonError(*r, c.status, c.what);
    }
    if (c.closes) {
      EXPECT_TRUE(conn.waitForClose(5s)) << c.what << ": the connection stays open";
    } else {
      // The connection survives: the next request on it is answered.
      ASSERT_TRUE(conn.send(request("GET", "/healthz"))) << c.what;
      auto next = conn.readResponse(5s);
      ASSERT_TRUE(next) << c.what << ": no answer to the next request";
      EXPECT_EQ(next->status, 200) << c.what;
    }
  }
  // Methods are counted under a fixed set of names: an absurd one adds no metric series.
  auto metrics = HttpClient(baseUrl()).get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.body.find("FROBNICATE"), std::string::npos);
  EXPECT_EQ(metrics.body.find("MMMMMMMM"), std::string::npos);
  expectOthersServed("after absurd request lines");
}

}  // namespace
}  // namespace it::test
