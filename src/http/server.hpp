#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http/router.hpp"

namespace it::http {

class Listener;

// The HTTP/1.1 front end: Boost.Beast with C++20 coroutines, one io_context per I/O thread
// (connections are handed out round-robin, so a connection never needs a strand), keep-alive,
// a timeout on every read and write, header and body limits, a budget for the bodies in flight,
// and caps on open connections, in all and per client.
// Requests are answered by the Router; this class only moves bytes. Thread-safe.
class Server {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 picks a free port; port() tells which
    std::size_t io_threads = 2;
    std::size_t max_connections = 1024;
    // Open connections from one client (one IPv4 address, one IPv6 /64), so that a single
    // client cannot take every slot.
    std::size_t max_connections_per_client = 256;
    std::size_t max_header_bytes = 16 * 1024;
    // Request bodies being read or held at once, over all connections: past it, a request
    // gets 503 with Retry-After instead of an allocation. Never below the largest body a route
    // reads (bodies are limited per route, by the router: Router::maxBodyBytes()).
    std::size_t max_body_bytes_in_flight = 64 * 1024 * 1024;
    // Bounds waiting for a request's line and headers (also between keep-alive requests).
    std::chrono::milliseconds header_timeout{10'000};
    // Bounds reading one request's body, and writing one response (a streamed one: each piece).
    std::chrono::milliseconds io_timeout{30'000};
    // How long a graceful stop waits for in-flight requests before closing them.
    std::chrono::milliseconds shutdown_grace{30'000};
    bool handle_signals = false;  // stop gracefully on SIGINT/SIGTERM
  };

  Server(Options options, Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the I/O threads. Throws std::runtime_error when it cannot bind.
  void start();
  // The port actually bound (meaningful after start()).
  std::uint16_t port() const;
  // Graceful stop: refuse new connections, close idle ones, let in-flight requests finish
  // (their connections then close). Returns at once; wait() blocks until done.
  void stop();
  void wait();

 private:
  std::unique_ptr<Listener> listener_;  // the accept loop; each connection is a session
};

}  // namespace it::http
