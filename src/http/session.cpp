#include "http/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <cstdint>
#include <exception>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

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

using RequestParser = bhttp::request_parser<bhttp::string_body>;
using RequestMessage = bhttp::request<bhttp::string_body>;

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
  if (ec != beast::error::timeout && ec != asio::error::operation_aborted) {
    return Refusal{400, kMalformedRequest};
  }
  return std::nullopt;
}

// The router's answer to `request`, resumed on the calling coroutine's I/O thread.
asio::awaitable<Response> answer(Router& router, const Request& request) {
  auto pending = std::make_shared<PendingAnswer>();
  router.dispatch(request, [pending](Response r) { pending->complete(std::move(r)); });
  std::optional<Response> ready = pending->takeReady();
  if (!ready) {
    // Named, and capturing only a raw pointer: g++ 12 destroys temporaries inside a
    // `co_return co_await ...` expression twice, which freed a captured shared_ptr twice.
    // `pending` (the local above) keeps the object alive until the answer arrives.
    PendingAnswer* raw = pending.get();
    auto initiate = [raw](auto handler) { raw->await(std::move(handler)); };
    Response response =
        co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
            initiate, asio::use_awaitable);
    ready = std::move(response);
  }
  co_return std::move(*ready);
}

// One connection, living in its coroutine's frame. Not thread-safe: used on its I/O thread
// only (a graceful stop reaches it through `state_`, on the same thread).
class Session {
 public:
  Session(Listener& listener, IoContext& context, tcp::socket socket)
      : listener_(listener),
        context_(context),
        stream_(std::move(socket)),
        registered_(context.sessions.insert(context.sessions.end(), &state_)) {
    beast::error_code ec;
    client_ = stream_.socket().remote_endpoint(ec).address().to_string();
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
    listener_.sessionEnded();
  }

  asio::awaitable<void> run();

 private:
  asio::awaitable<bool> readRequest(RequestParser& parser);
  Request toRequest(RequestMessage& message);
  asio::awaitable<Response> respond(Request& request);
  asio::awaitable<bool> writeResponse(Response& response, const std::string& request_id,
                                      unsigned version, bool keep_alive);
  asio::awaitable<void> sendFinal(Refusal refusal);

  Listener& listener_;
  IoContext& context_;
  beast::tcp_stream stream_;
  SessionState state_{&stream_};
  std::list<SessionState*>::iterator registered_;
  std::string client_;
  beast::flat_buffer buffer_;
};

asio::awaitable<void> Session::run() {
  const Server::Options& options = listener_.options();
  while (!listener_.stopping()) {
    RequestParser parser;  // a fresh parser per message
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    bool complete = co_await readRequest(parser);
    if (!complete) break;
    RequestMessage message = parser.release();
    Request request = toRequest(message);
    // Initialised, not assigned: see the g++ 12 note in answer().
    Response response = co_await respond(request);
    bool keep_alive = message.keep_alive() && !listener_.stopping();
    bool written =
        co_await writeResponse(response, request.request_id, message.version(), keep_alive);
    if (!written || !keep_alive) break;
  }
}

// Reads one whole request into `parser`. False when the connection is done: the client left or
// went quiet, or its request was too large or malformed (and has been answered).
asio::awaitable<bool> Session::readRequest(RequestParser& parser) {
  const auto timeout = listener_.options().io_timeout;
  state_.idle = true;
  stream_.expires_after(timeout);
  auto [header_ec, header_bytes] =
      co_await bhttp::async_read_header(stream_, buffer_, parser, kTuple);
  state_.idle = false;
  if (header_ec) {
    if (auto refusal = headerReadRefusal(header_ec, buffer_.size() > 0)) {
      co_await sendFinal(*refusal);
    }
    co_return false;
  }
  if (equalsIgnoringCase(parser.get()[bhttp::field::expect], "100-continue")) {
    bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
    stream_.expires_after(timeout);
    auto [cont_ec, cont_n] = co_await bhttp::async_write(stream_, cont, kTuple);
    if (cont_ec) co_return false;
  }
  if (parser.is_done()) co_return true;
  stream_.expires_after(timeout);
  auto [body_ec, body_n] = co_await bhttp::async_read(stream_, buffer_, parser, kTuple);
  if (body_ec) {
    if (auto refusal = bodyReadRefusal(body_ec)) co_await sendFinal(*refusal);
    co_return false;
  }
  co_return true;
}

// What the router sees of `message`; takes the message's body.
Request Session::toRequest(RequestMessage& message) {
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
  request.body = std::move(message.body());
  return request;
}

// The answer to `request`, after the delay it asks for (if any).
asio::awaitable<Response> Session::respond(Request& request) {
  Response response;
  if (!parseTarget(request.target, request.path, request.query)) {
    response = errorResponse(400, "Malformed request target");
  } else {
    try {
      // Initialised, not assigned: see the g++ 12 note in answer().
      Response answered = co_await answer(listener_.router(), request);
      response = std::move(answered);
    } catch (const std::exception& e) {
      telemetry::logError("request failed", e.what());
      response = errorResponse(500, "Internal server error");
    }
  }
  if (response.delay.count() > 0) {
    asio::steady_timer timer(context_.io, response.delay);
    co_await timer.async_wait(kTuple);
  }
  co_return std::move(response);
}

// Writes `response` (taking its body) in the request's HTTP version. False when that failed.
asio::awaitable<bool> Session::writeResponse(Response& response, const std::string& request_id,
                                             unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
  if (!response.content_type.empty()) res.set(bhttp::field::content_type, response.content_type);
  res.set("X-Request-Id", request_id);
  for (auto& [name, value] : response.headers) res.set(name, value);
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  stream_.expires_after(listener_.options().io_timeout);
  auto [write_ec, written] = co_await bhttp::async_write(stream_, res, kTuple);
  co_return !write_ec;
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

}  // namespace

asio::awaitable<void> runSession(Listener& listener, IoContext& context, tcp::socket socket) {
  Session session(listener, context, std::move(socket));
  co_await session.run();
}

}  // namespace it::http
