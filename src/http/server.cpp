#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "http/responses.hpp"
#include "telemetry/log.hpp"
#include "util/encoding.hpp"

namespace it::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Bridges a Router answer (from any thread) back to the waiting coroutine. When the handler
// answered synchronously the coroutine picks the response up without suspending.
class PendingAnswer {
 public:
  void complete(Response r) {
    std::unique_lock lock(mutex_);
    if (waiter_) {
      auto waiter = std::move(waiter_);
      lock.unlock();
      waiter(std::move(r));
    } else {
      ready_ = std::move(r);
    }
  }

  std::optional<Response> takeReady() {
    std::lock_guard lock(mutex_);
    return std::exchange(ready_, std::nullopt);
  }

  template <typename Handler>
  void await(Handler handler) {
    auto executor = asio::get_associated_executor(handler);
    auto shared = std::make_shared<Handler>(std::move(handler));
    // Resume on the coroutine's own I/O thread, never on the thread that answered.
    auto resume = [executor, shared](Response r) {
      asio::post(executor, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
    };
    std::unique_lock lock(mutex_);
    if (ready_) {
      Response r = std::move(*ready_);
      ready_.reset();
      lock.unlock();
      resume(std::move(r));
      return;
    }
    waiter_ = std::move(resume);
  }

 private:
  std::mutex mutex_;
  std::optional<Response> ready_;
  std::function<void(Response)> waiter_;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

struct SessionState;

struct Server::Impl {
  // One per I/O thread. Its sessions are touched only from its own thread.
  struct Context {
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    std::list<SessionState*> sessions;
  };

  Options options;
  Router& router;
  std::vector<std::unique_ptr<Context>> contexts;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::signal_set> signals;
  std::unique_ptr<asio::steady_timer> grace_timer;
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  std::atomic<std::size_t> connections{0};
  std::atomic<bool> stopping{false};
  bool finished = false;  // touched on context 0 only
  std::atomic<std::uint64_t> request_counter{0};
  std::string request_id_prefix;
  std::size_t next_context = 0;

  Impl(Options o, Router& r) : options(std::move(o)), router(r) {
    unsigned char prefix[4];
    randomBytes(prefix, sizeof prefix);
    char buf[9];
    std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x", prefix[0], prefix[1], prefix[2], prefix[3]);
    request_id_prefix = buf;
  }

  asio::awaitable<void> acceptLoop();
  asio::awaitable<void> session(Context& ctx, tcp::socket socket);
  asio::awaitable<Response> answer(const Request& request);
  void beginStop();
  void sessionEnded();
  void finishIfDrained();
  std::string nextRequestId() {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s-%llx", request_id_prefix.c_str(),
                  static_cast<unsigned long long>(request_counter.fetch_add(1) + 1));
    return buf;
  }
};

// What stop() needs to know about a connection: whether it sits idle between requests.
struct SessionState {
  beast::tcp_stream* stream;
  bool idle = true;
};

asio::awaitable<void> Server::Impl::acceptLoop() {
  for (;;) {
    Context& target = *contexts[next_context];
    next_context = (next_context + 1) % contexts.size();
    auto executor = target.io.get_executor();
    auto [ec, socket] = co_await acceptor->async_accept(executor, kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      // E.g. EMFILE: keep serving the connections we have, and do not spin on a connection
      // that stays in the backlog until a descriptor is free.
      telemetry::logWarn("accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(contexts[0]->io, std::chrono::milliseconds(100));
      co_await pause.async_wait(kTuple);
      continue;
    }
    if (connections.load() >= options.max_connections) {
      // Over the cap: tell the client plainly, then close. Written without waiting for it.
      static const std::string kBody = R"({"error":"Too many connections"})";
      auto reply = std::make_shared<std::string>(
          "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
          "Connection: close\r\nContent-Length: " +
          std::to_string(kBody.size()) + "\r\n\r\n" + kBody);
      auto sock = std::make_shared<tcp::socket>(std::move(socket));
      asio::async_write(*sock, asio::buffer(*reply), [sock, reply](beast::error_code, std::size_t) {
        beast::error_code ignored;
        sock->shutdown(tcp::socket::shutdown_both, ignored);
      });
      telemetry::logWarn("connection refused: too many connections");
      continue;
    }
    connections.fetch_add(1);
    asio::co_spawn(target.io, session(target, std::move(socket)), asio::detached);
  }
}

asio::awaitable<Response> Server::Impl::answer(const Request& request) {
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

asio::awaitable<void> Server::Impl::session(Context& ctx, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  SessionState state{&stream};
  // However the coroutine ends, the session leaves the registry, its socket closes and the
  // connection count drops (else a graceful stop would wait for it forever).
  struct Cleanup {
    Impl& impl;
    Context& ctx;
    std::list<SessionState*>::iterator registered;
    beast::tcp_stream& stream;
    ~Cleanup() {
      ctx.sessions.erase(registered);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.socket().close(ignored);
      impl.sessionEnded();
    }
  } cleanup{*this, ctx, ctx.sessions.insert(ctx.sessions.end(), &state), stream};
  beast::error_code ec;
  std::string client = stream.socket().remote_endpoint(ec).address().to_string();
  beast::flat_buffer buffer;

  // Sends a response that ends the connection (after a malformed or oversized request).
  auto sendFinal = [&](int status, std::string_view message) -> asio::awaitable<void> {
    Response r = errorResponse(status, message);
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::content_type, r.content_type);
    res.set(bhttp::field::connection, "close");
    res.body() = std::move(r.body);
    res.prepare_payload();
    stream.expires_after(options.io_timeout);
    co_await bhttp::async_write(stream, res, kTuple);
  };

  while (!stopping.load()) {
    bhttp::request_parser<bhttp::string_body> parser;  // a fresh parser per message
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    state.idle = true;
    stream.expires_after(options.io_timeout);
    auto [read_ec, header_bytes] =
        co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    state.idle = false;
    if (read_ec) {
      if (read_ec == bhttp::error::body_limit) {
        co_await sendFinal(413, "Request body too large");
      } else if (read_ec == bhttp::error::header_limit) {
        co_await sendFinal(431, "Request header fields too large");
      } else if (read_ec != bhttp::error::end_of_stream && read_ec != asio::error::eof &&
                 read_ec != asio::error::operation_aborted && read_ec != beast::error::timeout &&
                 read_ec != asio::error::connection_reset && buffer.size() > 0) {
        co_await sendFinal(400, "Malformed HTTP request");
      }
      break;
    }
    auto& header = parser.get();
    if (iequals(header[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      stream.expires_after(options.io_timeout);
      auto [cont_ec, cont_n] = co_await bhttp::async_write(stream, cont, kTuple);
      if (cont_ec) break;
    }
    if (!parser.is_done()) {
      stream.expires_after(options.io_timeout);
      auto [body_ec, body_n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      if (body_ec) {
        if (body_ec == bhttp::error::body_limit) {
          co_await sendFinal(413, "Request body too large");
        } else if (body_ec != beast::error::timeout && body_ec != asio::error::operation_aborted) {
          co_await sendFinal(400, "Malformed HTTP request");
        }
        break;
      }
    }

    auto msg = parser.release();
    Request request;
    request.method_name = std::string(msg.method_string());
    request.method = methodFromName(request.method_name);
    request.target = std::string(msg.target());
    request.client_address = client;
    request.request_id = nextRequestId();
    request.headers.reserve(8);
    for (const auto& field : msg) {
      request.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(msg.body());
    Response response;
    if (!parseTarget(request.target, request.path, request.query)) {
      response = errorResponse(400, "Malformed request target");
    } else {
      try {
        // Initialised, not assigned: see the g++ 12 note in answer().
        Response answered = co_await answer(request);
        response = std::move(answered);
      } catch (const std::exception& e) {
        telemetry::logError("request failed", e.what());
        response = errorResponse(500, "Internal server error");
      }
    }
    if (response.delay.count() > 0) {
      asio::steady_timer timer(ctx.io, response.delay);
      co_await timer.async_wait(kTuple);
    }

    bool keep_alive = msg.keep_alive() && !stopping.load();
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status),
                                            msg.version()};
    res.set(bhttp::field::content_type, response.content_type);
    res.set("X-Request-Id", request.request_id);
    for (auto& [name, value] : response.headers) res.set(name, value);
    res.body() = std::move(response.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    stream.expires_after(options.io_timeout);
    auto [write_ec, written] = co_await bhttp::async_write(stream, res, kTuple);
    if (write_ec || !keep_alive) break;
  }
}

void Server::Impl::sessionEnded() {
  if (connections.fetch_sub(1) == 1 && stopping.load()) {
    asio::post(contexts[0]->io, [this] { finishIfDrained(); });
  }
}

void Server::Impl::beginStop() {
  if (stopping.exchange(true)) return;
  telemetry::logInfo("shutting down: finishing in-flight requests");
  // Everything below, and every finishing step, runs on context 0, so the steps cannot
  // interleave however sessions end on the other threads.
  asio::post(contexts[0]->io, [this] {
    beast::error_code ec;
    acceptor->close(ec);
    if (signals) signals->cancel(ec);
    grace_timer = std::make_unique<asio::steady_timer>(contexts[0]->io, options.shutdown_grace);
    grace_timer->async_wait([this](beast::error_code wait_ec) {
      if (wait_ec || finished) return;
      // Close every connection, busy ones too. The I/O threads keep running: a request still
      // being answered (on the worker pool or the writer) completes into a closed socket, its
      // session ends, and the drain finishes as usual, so nothing outlives what it uses.
      telemetry::logWarn("shutdown grace period over: closing open connections");
      for (auto& ctx : contexts) {
        asio::post(ctx->io, [c = ctx.get()] {
          for (SessionState* s : c->sessions) {
            beast::error_code ignored;
            s->stream->socket().close(ignored);
          }
        });
      }
    });
    for (auto& ctx : contexts) {
      asio::post(ctx->io, [c = ctx.get()] {
        for (SessionState* s : c->sessions) {
          if (s->idle) s->stream->socket().cancel();
        }
      });
    }
    finishIfDrained();
  });
}

void Server::Impl::finishIfDrained() {
  // Runs on context 0 only. The grace timer exists once beginStop's own step has run.
  if (finished || !grace_timer || connections.load() != 0) return;
  finished = true;
  grace_timer->cancel();
  for (auto& ctx : contexts) ctx->guard.reset();
}

Server::Server(Options options, Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() {
  if (!impl_->threads.empty()) {
    stop();
    wait();
  }
}

void Server::start() {
  Impl& s = *impl_;
  std::size_t n = std::max<std::size_t>(1, s.options.io_threads);
  for (std::size_t i = 0; i < n; ++i) s.contexts.push_back(std::make_unique<Impl::Context>());
  auto& io = s.contexts[0]->io;
  beast::error_code ec;
  auto address = asio::ip::make_address(s.options.host, ec);
  if (ec) throw std::runtime_error("invalid listen address: " + s.options.host);
  tcp::endpoint endpoint(address, s.options.port);
  s.acceptor = std::make_unique<tcp::acceptor>(io);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + s.options.host + ":" +
                             std::to_string(s.options.port) + ": " + ec.message());
  }
  s.bound_port = s.acceptor->local_endpoint().port();
  if (s.options.handle_signals) {
    s.signals = std::make_unique<asio::signal_set>(io, SIGINT, SIGTERM);
    s.signals->async_wait([&s](beast::error_code sig_ec, int) {
      if (!sig_ec) s.beginStop();
    });
  }
  asio::co_spawn(io, s.acceptLoop(), asio::detached);
  for (auto& ctx : s.contexts) {
    s.threads.emplace_back([c = ctx.get()] { c->io.run(); });
  }
}

std::uint16_t Server::port() const { return impl_->bound_port; }

void Server::stop() { impl_->beginStop(); }

void Server::wait() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace it::http
