#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <string>

namespace it::http {

class Listener;
struct IoContext;

// What a graceful stop needs to know about a connection: whether it sits idle between
// requests. Owned by its session; not thread-safe (touched on the session's I/O thread only).
struct SessionState {
  boost::beast::tcp_stream* stream;
  bool idle = true;
};

// Serves one accepted connection until it closes: reads each request's head with a fresh parser
// and the listener's timeouts and limits, has the router admit it, reads its body only then,
// has the router answer it and writes the response. Runs on `context`'s thread, is listed in
// context.sessions while it runs and calls listener.sessionEnded(client) once its connection is
// closed; `client` is the block its address counts under (util/client_block.hpp).
boost::asio::awaitable<void> runSession(Listener& listener, IoContext& context,
                                        boost::asio::ip::tcp::socket socket, std::string client);

}  // namespace it::http
