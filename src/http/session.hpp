#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace it::http {

class Listener;
struct IoContext;

// What a graceful stop needs to know about a connection: whether it sits idle between
// requests. Owned by its session; not thread-safe (touched on the session's I/O thread only).
struct SessionState {
  boost::beast::tcp_stream* stream;
  bool idle = true;
};

// Serves one accepted connection until it closes: reads each request with a fresh parser and
// the listener's timeouts and limits, has the router answer it and writes the response. Runs
// on `context`'s thread, is listed in context.sessions while it runs and calls
// listener.sessionEnded() once its connection is closed.
boost::asio::awaitable<void> runSession(Listener& listener, IoContext& context,
                                        boost::asio::ip::tcp::socket socket);

}  // namespace it::http
