#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/router.hpp"
#include "http/server.hpp"

namespace it::http {

struct SessionState;

// One I/O thread's event loop and the sessions running on it. Not thread-safe: `sessions` is
// touched only from that thread.
struct IoContext {
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::list<SessionState*> sessions;
};

// The Server's machinery. Owns the I/O threads, the listening socket and the count of open
// connections: accepts connections (round-robin over the threads, so a connection never needs
// a strand), refuses those over the cap and stops gracefully. What happens on a connection is
// the session's (session.hpp). Thread-safe.
class Listener {
 public:
  Listener(Server::Options options, Router& router);
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // See Server.
  void start();
  std::uint16_t port() const { return bound_port_; }
  void stop();
  void wait();
  bool started() const { return !threads_.empty(); }

  // For the sessions, from any I/O thread.
  const Server::Options& options() const { return options_; }
  Router& router() { return router_; }
  bool stopping() const { return stopping_.load(); }
  std::string nextRequestId();
  // Every session calls this once, when it has closed its connection; `client` is the block
  // its address was counted under (see clientBlock()).
  void sessionEnded(const std::string& client);
  // Takes `bytes` from the budget for request bodies in flight; false (and nothing taken) when
  // they do not fit. Each successful take is given back with releaseBody().
  bool reserveBody(std::size_t bytes);
  void releaseBody(std::size_t bytes);

 private:
  void listen();
  boost::asio::awaitable<void> acceptLoop();
  bool admitClient(const std::string& client);
  void refuseConnection(boost::asio::ip::tcp::socket socket);
  void startGraceTimer();
  void finishIfDrained();

  Server::Options options_;
  Router& router_;
  std::vector<std::unique_ptr<IoContext>> contexts_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::unique_ptr<boost::asio::signal_set> signals_;
  std::unique_ptr<boost::asio::steady_timer> grace_timer_;
  std::vector<std::thread> threads_;
  std::uint16_t bound_port_ = 0;
  std::atomic<std::size_t> connections_{0};
  std::mutex clients_mutex_;
  std::unordered_map<std::string, std::size_t> connections_per_client_;  // by clientBlock()
  std::atomic<std::size_t> body_bytes_in_flight_{0};
  std::atomic<bool> stopping_{false};
  bool finished_ = false;  // touched on context 0 only
  std::atomic<std::uint64_t> request_counter_{0};
  std::string request_id_prefix_;
  std::size_t next_context_ = 0;  // touched by the accept loop only
};

}  // namespace it::http
