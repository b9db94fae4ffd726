#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  // TCP connections accepted so far (each one a `serve` call): how tests see whether their
  // clients keep connections alive.
  std::size_t acceptedConnections() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

// One answer of a fake HTTP server.
struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // Answer with "Connection: close" and close the connection after this answer, whatever the
  // client asked for (as a server that does not keep connections alive).
  bool close = false;
};

// A `serve` for LoopbackServer speaking HTTP/1.1: reads requests from `socket` (bodies up to
// `body_limit`) and answers each with what `handle` returns, until the client closes, stops
// keeping the connection alive, `handle` returns nothing (the connection is then closed
// without an answer) or a reply that says to close it.
using HttpHandler =
    std::function<std::optional<HttpReply>(const HttpRequest&, boost::asio::ip::tcp::socket&)>;
void serveHttp(boost::asio::ip::tcp::socket& socket, std::size_t body_limit,
               std::string_view server_name, const HttpHandler& handle);

}  // namespace it::test
