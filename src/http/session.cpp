#include "http/session.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <exception>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "http/listener.hpp"
#include "http/pending_answer.hpp"
#include "http/responses.hpp"
#include "telemetry/log.hpp"
#include "util/text.hpp"

namespace it::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kBodyTooLarge = "Request body too large";
constexpr std::string_view kMalformedRequest = "Malformed HTTP request";
// After an answer that left a body unread, how long and how much of it is read and thrown
// away before the connection closes (see discardAndClose()).
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1024 * 1024;

using HeadParser = bhttp::request_parser<bhttp::empty_body>;
using BodyParser = bhttp::request_parser<bhttp::string_body>;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The answer to a request that could not be read; the connection closes after it.
struct Refusal {
  int status;
  std::string_view message;
};

// A failed header read is answered unless the client left, went quiet, or sent nothing at all.
std::optional<Refusal> headerReadRefusal(beast::error_code ec, bool bytes_buffered) {
  if (ec == bhttp::error::body_limit) return Refusal{413, kBodyTooLarge};
  if (ec == bhttp::error::header_limit) return Refusal{431, "Request header fields too large"};
  if (ec != bhttp::error::end_of_stream && ec != asio::error::eof &&
      ec != asio::error::operation_aborted && ec != beast::error::timeout &&
      ec != asio::error::connection_reset && bytes_buffered) {
    return Refusal{400, kMalformedRequest};
  }
  return std::nullopt;
}

// A failed body read is answered unless the client went quiet or the server is closing it.
std::optional<Refusal> bodyReadRefusal(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) return Refusal{413, kBodyTooLarge};
  if (ec != beast::error::timeout && ec != asio::error::operation_aborted &&
      ec != asio::error::eof && ec != asio::error::connection_reset &&
      ec != bhttp::error::end_of_stream) {
    return Refusal{400, kMalformedRequest};
  }
  return std::nullopt;
}

// What every answer's head carries: its Content-Type, the request's id and its own headers.
void addHeaders(bhttp::fields& fields, const Response& response, const std::string& request_id) {
  if (!response.content_type.empty()) fields.set(bhttp::field::content_type, response.content_type);
  fields.set("X-Request-Id", request_id);
  for (const auto& [name, value] : response.headers) fields.set(name, value);
}

// One of the router's asynchronous answers (`start` starts it with a callback that completes
// `Answer`), resumed on the calling coroutine's I/O thread.
template <typename Answer, typename Start>
asio::awaitable<Answer> await(Start start) {
  auto pending = std::make_shared<PendingAnswer<Answer>>();
  start([pending](Answer a) { pending->complete(std::move(a)); });
  std::optional<Answer> ready = pending->takeReady();
  if (!ready) {
    // Named, and capturing only a raw pointer: g++ 12 destroys temporaries inside a
    // `co_return co_await ...` expression twice, which freed a captured shared_ptr twice.
    // `pending` (the local above) keeps the object alive until the answer arrives.
    PendingAnswer<Answer>* raw = pending.get();
    auto initiate = [raw](auto handler) { raw->await(std::move(handler)); };
    Answer answer = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Answer)>(
        initiate, asio::use_awaitable);
    ready = std::move(answer);
  }
  co_return std::move(*ready);
}

// Bytes taken from the listener's budget for bodies in flight, given back when it is destroyed
// or released.
class BodyReservation {
 public:
  explicit BodyReservation(Listener& listener) : listener_(listener) {}
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;
  ~BodyReservation() { release(); }

  bool take(std::size_t bytes) {
    if (!listener_.reserveBody(bytes)) return false;
    bytes_ += bytes;
    return true;
  }
  void release() {
    if (bytes_ != 0) listener_.releaseBody(std::exchange(bytes_, 0));
  }

 private:
  Listener& listener_;
  std::size_t bytes_ = 0;
};

// One connection, living in its coroutine's frame. Not thread-safe: used on its I/O thread
// only (a graceful stop reaches it through `state_`, on the same thread).
class Session {
 public:
  Session(Listener& listener, IoContext& context, tcp::socket socket, std::string client_block)
      : listener_(listener),
        context_(context),
        stream_(std::move(socket)),
        registered_(context.sessions.insert(context.sessions.end(), &state_)),
        client_block_(std::move(client_block)) {
    beast::error_code ec;
    client_ = stream_.socket().remote_endpoint(ec).address().to_string();
    // What a connection buffers: a header and a little of what follows it (a read asks for
    // as much as fits, so this is also what every connection allocates once it has read
    // anything). Bodies go on into their own string, within the route's limit.
    buffer_.max_size(listener.options().max_header_bytes + 4 * 1024);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // However the coroutine ends, the session leaves the registry, its socket closes and the
  // connection count drops (else a graceful stop would wait for it forever).
  ~Session() {
    context_.sessions.erase(registered_);
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
    listener_.sessionEnded(client_block_);
  }

  asio::awaitable<void> run();

 private:
  // How reading an admitted request's body went.
  enum class BodyRead { kRead, kRefused, kGone };

  asio::awaitable<bool> readHead(HeadParser& parser);
  Request toRequest(const HeadParser& parser);
  asio::awaitable<Response> answer(HeadParser& head, Request& request, bool& body_unread,
                                   BodyReservation& reservation, Router::Admission& admission);
  asio::awaitable<BodyRead> readBody(HeadParser& head, std::size_t limit, Request& request,
                                     BodyReservation& reservation, Response& refusal);
  asio::awaitable<bool> writeResponse(Response& response, const std::string& request_id,
                                      unsigned version, bool keep_alive, bool head_only);
  // writeResponse's second half, for either kind of body.
  template <typename Message>
  asio::awaitable<bool> writeMessage(Message& res, const Response& response,
                                     const std::string& request_id, bool keep_alive,
                                     bool head_only);
  asio::awaitable<bool> writeStream(Response& response, const Router::Admission& admission,
                                    const std::string& request_id, unsigned version,
                                    bool keep_alive, bool head_only);
  asio::awaitable<void> sendFinal(Refusal refusal);
  asio::awaitable<void> discardAndClose();

  Listener& listener_;
  IoContext& context_;
  beast::tcp_stream stream_;
  SessionState state_{&stream_};
  std::list<SessionState*>::iterator registered_;
  std::string client_;
  std::string client_block_;
  beast::flat_buffer buffer_;
};

asio::awaitable<void> Session::run() {
  const Server::Options& options = listener_.options();
  while (!listener_.stopping()) {
    HeadParser head;  // a fresh parser per message
    head.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    // A Content-Length above every route's limit is refused with the header, before anything.
    head.body_limit(listener_.router().maxBodyBytes());
    bool complete = co_await readHead(head);
    if (!complete) break;
    const unsigned version = head.get().version();
    bool keep_alive = head.get().keep_alive();
    Request request = toRequest(head);
    bool body_unread = !head.is_done();
    BodyReservation reservation(listener_);
    Router::Admission admission;  // the one proceed() answered, for a streamed answer
    // Initialised, not assigned: see the g++ 12 note in await().
    Response response = co_await answer(head, request, body_unread, reservation, admission);
    if (response.status == 0) break;  // the client left or went quiet mid-body
    // The body is not needed any more: freed before a held-back answer waits.
    std::string().swap(request.body);
    reservation.release();
    if (response.delay.count() > 0) {
      asio::steady_timer timer(context_.io, response.delay);
      co_await timer.async_wait(kTuple);
    }
    keep_alive = keep_alive && !body_unread && !listener_.stopping();
    // A HEAD answer's head is a GET's, without the body.
    const bool head_only = request.method == Method::kHead;
    // HTTP/1.0 has no chunked encoding: a streamed body ends when the connection closes.
    if (response.stream && version < 11 && !head_only) keep_alive = false;
    bool written = false;
    if (response.stream) {
      written = co_await writeStream(response, admission, request.request_id, version, keep_alive,
                                     head_only);
    } else {
      written =
          co_await writeResponse(response, request.request_id, version, keep_alive, head_only);
    }
    if (written && body_unread) co_await discardAndClose();
    if (!written || !keep_alive) break;
  }
}

// Reads one request's line and headers into `parser`. False when the connection is done: the
// client left or went quiet, or its request was too large or malformed (and has been answered).
asio::awaitable<bool> Session::readHead(HeadParser& parser) {
  state_.idle = true;
  stream_.expires_after(listener_.options().header_timeout);
  auto [header_ec, header_bytes] =
      co_await bhttp::async_read_header(stream_, buffer_, parser, kTuple);
  state_.idle = false;
  if (header_ec) {
    if (auto refusal = headerReadRefusal(header_ec, buffer_.size() > 0)) {
      co_await sendFinal(*refusal);
    }
    co_return false;
  }
  co_return true;
}

// What the router sees of the request's head (the body comes later).
Request Session::toRequest(const HeadParser& parser) {
  const auto& message = parser.get();
  Request request;
  request.method_name = std::string(message.method_string());
  request.method = methodFromName(request.method_name);
  request.target = std::string(message.target());
  request.client_address = client_;
  request.request_id = listener_.nextRequestId();
  request.headers.reserve(8);
  for (const auto& field : message) {
    request.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  }
  return request;
}

// The answer to `request`: the router admits it from its head, then its body is read (only
// then) and the router answers it. A response with status 0: the client left or went quiet
// while sending its body, and gets no answer. `body_unread` stays true when the answer came
// without the body having been read. `admission` is set when the router's handler answered
// (the stream of a streamed answer is pulled through it).
asio::awaitable<Response> Session::answer(HeadParser& head, Request& request, bool& body_unread,
                                          BodyReservation& reservation,
                                          Router::Admission& admission) {
  if (!parseTarget(request.target, request.path, request.query)) {
    co_return errorResponse(400, "Malformed request target");
  }
  Router& router = listener_.router();
  try {
    Router::Admission admitted = co_await await<Router::Admission>(
        [&](Router::Admit done) { router.admit(request, std::move(done)); });
    if (admitted.answer) co_return std::move(*admitted.answer);
    admission = std::move(admitted);
    Response refusal;
    BodyRead read =
        co_await readBody(head, admission.max_body_bytes, request, reservation, refusal);
    if (read == BodyRead::kGone) co_return Response{.status = 0};
    if (read == BodyRead::kRefused) co_return router.refuse(admission, request, std::move(refusal));
    body_unread = false;
    Response response = co_await await<Response>(
        [&](Respond respond) { router.proceed(admission, request, std::move(respond)); });
    co_return response;
  } catch (const std::exception& e) {
    telemetry::logError("request failed", e.what());
    co_return errorResponse(500, "Internal server error");
  }
}

// Reads the admitted request's body into request.body: at most `limit` (the admitted route's),
// and only once the budget for bodies in flight has room for it. kRefused with `refusal` to
// send (the rest of the body unread), or kGone.
asio::awaitable<Session::BodyRead> Session::readBody(HeadParser& head, std::size_t limit,
                                                     Request& request, BodyReservation& reservation,
                                                     Response& refusal) {
  if (head.is_done()) co_return BodyRead::kRead;  // no body
  const Server::Options& options = listener_.options();
  // An announced length over the limit never gets here: the head parser refused it against
  // the largest route's limit, admit() against its route's. A chunked body may grow to the
  // limit: that much is reserved.
  boost::optional<std::uint64_t> length = head.content_length();
  if (!reservation.take(length ? static_cast<std::size_t>(*length) : limit)) {
    refusal = errorResponse(503, "The server is busy; try again in a moment");
    refusal.headers.emplace_back("Retry-After", "1");
    co_return BodyRead::kRefused;
  }
  if (equalsIgnoringCase(head.get()[bhttp::field::expect], "100-continue")) {
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
    stream_.expires_after(options.io_timeout);
    auto [cont_ec, cont_n] = co_await bhttp::async_write(stream_, cont, kTuple);
    if (cont_ec) co_return BodyRead::kGone;
  }
  BodyParser parser(std::move(head));
  parser.body_limit(limit);
  stream_.expires_after(options.io_timeout);
  auto [body_ec, body_n] = co_await bhttp::async_read(stream_, buffer_, parser, kTuple);
  if (body_ec) {
    auto answerable = bodyReadRefusal(body_ec);
    if (!answerable) co_return BodyRead::kGone;
    refusal = errorResponse(answerable->status, answerable->message);
    co_return BodyRead::kRefused;
  }
  request.body = std::move(parser.get().body());
  co_return BodyRead::kRead;
}

// Writes `response` (taking its body) in the request's HTTP version; only its head when
// `head_only` (a HEAD). False when that failed.
asio::awaitable<bool> Session::writeResponse(Response& response, const std::string& request_id,
                                             unsigned version, bool keep_alive, bool head_only) {
  if (!response.static_body.empty()) {
    bhttp::response<bhttp::span_body<const char>> res{static_cast<bhttp::status>(response.status),
                                                      version};
    res.body() = {response.static_body.data(), response.static_body.size()};
    co_return co_await writeMessage(res, response, request_id, keep_alive, head_only);
  }
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
  res.body() = std::move(response.body);
  co_return co_await writeMessage(res, response, request_id, keep_alive, head_only);
}

template <typename Message>
asio::awaitable<bool> Session::writeMessage(Message& res, const Response& response,
                                            const std::string& request_id, bool keep_alive,
                                            bool head_only) {
  addHeaders(res, response, request_id);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  stream_.expires_after(listener_.options().io_timeout);
  if (head_only) {
    bhttp::response_serializer<typename Message::body_type> serializer{res};
    auto [head_ec, head_n] = co_await bhttp::async_write_header(stream_, serializer, kTuple);
    co_return !head_ec;
  }
  auto [write_ec, written] = co_await bhttp::async_write(stream_, res, kTuple);
  co_return !write_ec;
}

// Writes a streamed answer: its head, then each piece of its body, pulled from the producer
// (on the route's pool, through the router) only once the previous piece is written: the
// connection holds one piece at a time whatever its client's speed, and each write is bounded
// by io_timeout. HTTP/1.1 gets the body chunked; HTTP/1.0 gets it raw, and then the connection
// closes. False when the connection must close: the client went away or stopped reading (the
// producer is dropped), or the producer failed. A failed body is left unfinished, without its
// last chunk (HTTP/1.0: the connection is reset), so the client never takes it for complete.
asio::awaitable<bool> Session::writeStream(Response& response, const Router::Admission& admission,
                                           const std::string& request_id, unsigned version,
                                           bool keep_alive, bool head_only) {
  std::shared_ptr<BodyProducer> producer = std::move(response.stream);
  const bool chunked = version >= 11;
  const auto timeout = listener_.options().io_timeout;
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(response.status), version};
  addHeaders(res, response, request_id);
  if (chunked) res.chunked(true);
  res.keep_alive(keep_alive);
  bhttp::response_serializer<bhttp::empty_body> serializer{res};
  stream_.expires_after(timeout);
  auto [head_ec, head_n] = co_await bhttp::async_write_header(stream_, serializer, kTuple);
  if (head_ec) co_return false;
  if (head_only) co_return true;
  Router& router = listener_.router();
  for (;;) {
    Router::Piece piece = co_await await<Router::Piece>(
        [&](Router::Pulled pulled) { router.pull(admission, producer, std::move(pulled)); });
    if (!piece) {  // logged by the router
      if (!chunked) {
        beast::error_code ignored;
        stream_.socket().set_option(tcp::socket::linger(true, 0), ignored);
        stream_.socket().close(ignored);
      }
      co_return false;
    }
    if (!piece->has_value()) break;
    const std::string& bytes = **piece;
    if (bytes.empty()) continue;  // an empty chunk would end the body
    stream_.expires_after(timeout);
    beast::error_code write_ec;
    if (chunked) {
      auto chunk = bhttp::make_chunk(asio::buffer(bytes));
      auto [chunk_ec, chunk_n] = co_await asio::async_write(stream_, chunk, kTuple);
      write_ec = chunk_ec;
    } else {
      auto [raw_ec, raw_n] = co_await asio::async_write(stream_, asio::buffer(bytes), kTuple);
      write_ec = raw_ec;
    }
    if (write_ec) co_return false;
  }
  if (!chunked) co_return true;
  stream_.expires_after(timeout);
  auto last = bhttp::make_chunk_last();
  auto [last_ec, last_n] = co_await asio::async_write(stream_, last, kTuple);
  co_return !last_ec;
}

// Sends an answer that ends the connection (after a malformed or oversized request).
asio::awaitable<void> Session::sendFinal(Refusal refusal) {
  Response r = errorResponse(refusal.status, refusal.message);
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(refusal.status), 11};
  res.set(bhttp::field::content_type, r.content_type);
  res.set(bhttp::field::connection, "close");
  res.body() = std::move(r.body);
  res.prepare_payload();
  stream_.expires_after(listener_.options().io_timeout);
  co_await bhttp::async_write(stream_, res, kTuple);
}

// After an answer given without reading the body the client is still sending: closing a socket
// with unread bytes makes the kernel reset the connection, which can destroy the answer before
// the client has read it. So the answer is followed by a FIN, and what the client still sends
// is read into a small scratch buffer and dropped, for a short while and up to a bound; never
// kept.
asio::awaitable<void> Session::discardAndClose() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::array<char, 4096> scrap;
  stream_.expires_after(kLingerTime);
  std::size_t discarded = 0;
  while (discarded < kLingerBytes) {
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(scrap), kTuple);
    if (ec) break;
    discarded += n;
  }
}

}  // namespace

asio::awaitable<void> runSession(Listener& listener, IoContext& context, tcp::socket socket,
                                 std::string client) {
  Session session(listener, context, std::move(socket), std::move(client));
  co_await session.run();
}

}  // namespace it::http
