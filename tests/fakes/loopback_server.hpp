#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>

namespace it::test {

// A TCP server on 127.0.0.1 (a free port) for the fakes: a thread per connection runs
// `serve` on the connected socket (reading as many requests as the client sends). stop()
// stops accepting, shuts down every connection (waking threads blocked in recv) and joins
// them; call it before destroying what `serve` uses. Thread-safe.
class LoopbackServer {
 public:
  using Serve = std::function<void(boost::asio::ip::tcp::socket&)>;

  explicit LoopbackServer(Serve serve);
  ~LoopbackServer();  // stop()
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  unsigned short port() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace it::test
