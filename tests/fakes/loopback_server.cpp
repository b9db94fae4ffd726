#include "fakes/loopback_server.hpp"

#include <sys/socket.h>

#include <atomic>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <list>
#include <mutex>
#include <thread>

namespace it::test {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct LoopbackServer::Impl {
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;  // closed only after `thread` is joined, so its fd is never reused early
    std::thread thread;
    std::atomic<bool> done{false};
  };

  Serve serve;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread accept_thread;
  unsigned short port = 0;
  std::atomic<std::size_t> accepted{0};

  std::mutex mutex;
  bool closing = false;  // guarded by mutex
  bool stopped = false;  // guarded by mutex
  std::list<std::unique_ptr<Connection>> connections;

  explicit Impl(Serve s) : serve(std::move(s)) {
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
    port = acceptor.local_endpoint().port();
    accept_thread = std::thread([this] { acceptLoop(); });
  }

  void stop() {
    {
      std::lock_guard lock(mutex);
      if (stopped) return;
      stopped = true;
      closing = true;
    }
    // shutdown(2), unlike close(2), wakes a thread blocked in accept(2) or recv(2) on Linux.
    ::shutdown(acceptor.native_handle(), SHUT_RDWR);
    accept_thread.join();
    boost::system::error_code ec;
    acceptor.close(ec);
    for (auto& c : connections) ::shutdown(c->socket.native_handle(), SHUT_RDWR);
    for (auto& c : connections) c->thread.join();
    connections.clear();
  }

  void acceptLoop() {
    for (;;) {
      tcp::socket socket(ioc);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      std::lock_guard lock(mutex);
      if (closing) return;
      if (ec) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // e.g. EMFILE: do not spin
        continue;
      }
      // Join the threads of connections that are over, so a long test does not pile them up.
      for (auto it = connections.begin(); it != connections.end();) {
        if ((*it)->done) {
          (*it)->thread.join();
          it = connections.erase(it);
        } else {
          ++it;
        }
      }
      ++accepted;
      auto connection = std::make_unique<Connection>(std::move(socket));
      Connection& c = *connection;
      connections.push_back(std::move(connection));
      c.thread = std::thread([this, &c] {
        serve(c.socket);
        c.done = true;
      });
    }
  }
};

LoopbackServer::LoopbackServer(Serve serve) : impl_(std::make_unique<Impl>(std::move(serve))) {}
LoopbackServer::~LoopbackServer() { stop(); }
unsigned short LoopbackServer::port() const { return impl_->port; }
std::size_t LoopbackServer::acceptedConnections() const { return impl_->accepted; }
void LoopbackServer::stop() { impl_->stop(); }

void serveHttp(tcp::socket& socket, std::size_t body_limit, std::string_view server_name,
               const HttpHandler& handle) {
  namespace http = boost::beast::http;
  boost::beast::flat_buffer buffer;
  for (;;) {
    boost::system::error_code ec;
    http::request_parser<http::string_body> parser;  // a fresh parser per message
    parser.body_limit(body_limit);
    http::read(socket, buffer, parser, ec);
    if (ec) break;
    HttpRequest request = parser.release();
    std::optional<HttpReply> reply = handle(request, socket);
    if (!reply) break;
    http::response<http::string_body> response{static_cast<http::status>(reply->status),
                                               request.version()};
    response.set(http::field::server, server_name);
    response.set(http::field::content_type, reply->content_type);
    for (const auto& [name, value] : reply->headers) response.set(name, value);
    response.body() = std::move(reply->body);
    bool keep_alive = request.keep_alive() && !reply->close;
    response.keep_alive(keep_alive);
    response.prepare_payload();
    http::write(socket, response, ec);
    if (ec || !keep_alive) break;
  }
  ::shutdown(socket.native_handle(), SHUT_RDWR);
}

}  // namespace it::test
