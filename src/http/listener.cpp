#include "http/listener.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <csignal>
#include <cstdio>
#include <stdexcept>

#include "http/session.hpp"
#include "telemetry/log.hpp"
#include "util/client_block.hpp"
#include "util/encoding.hpp"

namespace it::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}  // namespace

Listener::Listener(Server::Options options, Router& router)
    : options_(std::move(options)), router_(router) {
  // One request with the largest body any route reads must always fit.
  options_.max_body_bytes_in_flight =
      std::max(options_.max_body_bytes_in_flight, router_.maxBodyBytes());
  unsigned char prefix[4];
  randomBytes(prefix, sizeof prefix);
  char buf[9];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x", prefix[0], prefix[1], prefix[2], prefix[3]);
  request_id_prefix_ = buf;
}

std::string Listener::nextRequestId() {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s-%llx", request_id_prefix_.c_str(),
                static_cast<unsigned long long>(request_counter_.fetch_add(1) + 1));
  return buf;
}

void Listener::start() {
  std::size_t n = std::max<std::size_t>(1, options_.io_threads);
  for (std::size_t i = 0; i < n; ++i) contexts_.push_back(std::make_unique<IoContext>());
  listen();
  auto& io = contexts_[0]->io;
  if (options_.handle_signals) {
    signals_ = std::make_unique<asio::signal_set>(io, SIGINT, SIGTERM);
    signals_->async_wait([this](beast::error_code sig_ec, int) {
      if (!sig_ec) stop();
    });
  }
  asio::co_spawn(io, acceptLoop(), asio::detached);
  for (auto& ctx : contexts_) {
    threads_.emplace_back([c = ctx.get()] { c->io.run(); });
  }
}

void Listener::listen() {
  beast::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) throw std::runtime_error("invalid listen address: " + options_.host);
  tcp::endpoint endpoint(address, options_.port);
  acceptor_ = std::make_unique<tcp::acceptor>(contexts_[0]->io);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + options_.host + ":" +
                             std::to_string(options_.port) + ": " + ec.message());
  }
  bound_port_ = acceptor_->local_endpoint().port();
}

asio::awaitable<void> Listener::acceptLoop() {
  for (;;) {
    IoContext& target = *contexts_[next_context_];
    next_context_ = (next_context_ + 1) % contexts_.size();
    auto executor = target.io.get_executor();
    auto [ec, socket] = co_await acceptor_->async_accept(executor, kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_->is_open()) co_return;
      // E.g. EMFILE: keep serving the connections we have, and do not spin on a connection
      // that stays in the backlog until a descriptor is free.
      telemetry::logWarn("accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(contexts_[0]->io, std::chrono::milliseconds(100));
      co_await pause.async_wait(kTuple);
      continue;
    }
    beast::error_code peer_ec;
    std::string client = clientBlock(socket.remote_endpoint(peer_ec).address().to_string());
    if (connections_.load() >= options_.max_connections || !admitClient(client)) {
      refuseConnection(std::move(socket));
      continue;
    }
    connections_.fetch_add(1);
    // No Nagle: an answer written in several pieces (a streamed export's chunks, a body
    // larger than the socket's free buffer) must not wait for the client's delayed ACK of
    // the piece before; nginx's tcp_nodelay does the same.
    socket.set_option(asio::ip::tcp::no_delay(true), peer_ec);
    asio::co_spawn(target.io, runSession(*this, target, std::move(socket), std::move(client)),
                   asio::detached);
  }
}

// Counts a connection of `client`, unless it already has as many as it may.
bool Listener::admitClient(const std::string& client) {
  std::lock_guard lock(clients_mutex_);
  std::size_t& open = connections_per_client_[client];
  if (open >= options_.max_connections_per_client) return false;
  ++open;
  return true;
}

bool Listener::reserveBody(std::size_t bytes) {
  std::size_t in_flight = body_bytes_in_flight_.load();
  do {
    if (bytes > options_.max_body_bytes_in_flight - in_flight) return false;
  } while (!body_bytes_in_flight_.compare_exchange_weak(in_flight, in_flight + bytes));
  return true;
}

void Listener::releaseBody(std::size_t bytes) { body_bytes_in_flight_.fetch_sub(bytes); }

void Listener::refuseConnection(tcp::socket socket) {
  // Over a cap: tell the client plainly, then close. Written without waiting for it.
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
}

void Listener::sessionEnded(const std::string& client) {
  {
    std::lock_guard lock(clients_mutex_);
    auto found = connections_per_client_.find(client);
    if (found != connections_per_client_.end() && --found->second == 0) {
      connections_per_client_.erase(found);
    }
  }
  if (connections_.fetch_sub(1) == 1 && stopping_.load()) {
    asio::post(contexts_[0]->io, [this] { finishIfDrained(); });
  }
}

void Listener::stop() {
  if (stopping_.exchange(true)) return;
  telemetry::logInfo("shutting down: finishing in-flight requests");
  // Everything below, and every finishing step, runs on context 0, so the steps cannot
  // interleave however sessions end on the other threads.
  asio::post(contexts_[0]->io, [this] {
    beast::error_code ec;
    acceptor_->close(ec);
    if (signals_) signals_->cancel(ec);
    startGraceTimer();
    for (auto& ctx : contexts_) {
      asio::post(ctx->io, [c = ctx.get()] {
        for (SessionState* s : c->sessions) {
          if (s->idle) s->stream->socket().cancel();
        }
      });
    }
    finishIfDrained();
  });
}

void Listener::startGraceTimer() {
  grace_timer_ = std::make_unique<asio::steady_timer>(contexts_[0]->io, options_.shutdown_grace);
  grace_timer_->async_wait([this](beast::error_code wait_ec) {
    if (wait_ec || finished_) return;
    // Close every connection, busy ones too. The I/O threads keep running: a request still
    // being answered (on the worker pool or the writer) completes into a closed socket, its
    // session ends, and the drain finishes as usual, so nothing outlives what it uses.
    telemetry::logWarn("shutdown grace period over: closing open connections");
    for (auto& ctx : contexts_) {
      asio::post(ctx->io, [c = ctx.get()] {
        for (SessionState* s : c->sessions) {
          beast::error_code ignored;
          s->stream->socket().close(ignored);
        }
      });
    }
  });
}

void Listener::finishIfDrained() {
  // Runs on context 0 only. The grace timer exists once stop()'s own step has run.
  if (finished_ || !grace_timer_ || connections_.load() != 0) return;
  finished_ = true;
  grace_timer_->cancel();
  for (auto& ctx : contexts_) ctx->guard.reset();
}

void Listener::wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

}  // namespace it::http
