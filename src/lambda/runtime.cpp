#include "lambda/runtime.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>

#include "telemetry/log.hpp"

namespace it::lambda {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

std::string errorBody(const std::string& type, const std::string& message) {
  return boost::json::serialize(boost::json::object{
      {"errorMessage", message}, {"errorType", type}, {"stackTrace", boost::json::array{}}});
}

// An event is at most 6 MB (Lambda's limit for a synchronous invocation's payload).
constexpr std::uint64_t kMaxEventBytes = 32 * 1024 * 1024;

struct Reply {
  long status = 0;
  std::string body;
  std::string request_id;
  std::string trace_id;
};

// The HTTP status, 0 when the Runtime API could not be reached.
long statusOf(const std::optional<Reply>& reply) { return reply ? reply->status : 0; }

}  // namespace

// Plain HTTP/1.1 over Boost.Beast, not libcurl: the Runtime API is always plain HTTP on the
// sandbox's own address, and a function on SQLite then never loads libcurl at all (its 30
// shared libraries were a third of the cold start).
struct RuntimeApi::Impl {
  std::string host;
  std::string port;
  boost::asio::io_context io;
  std::optional<beast::tcp_stream> stream;  // the kept connection, when one is open
  beast::flat_buffer buffer;

  // Runs the operation just started on `io` to its end (its handler records the error).
  void runAll() {
    io.restart();
    io.run();
  }

  void connect() {
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(host, port);
    stream.emplace(io);
    boost::system::error_code error;
    stream->expires_after(std::chrono::seconds(5));
    stream->async_connect(endpoints,
                          [&](boost::system::error_code e, const tcp::endpoint&) { error = e; });
    runAll();
    if (error) throw boost::system::system_error(error);
    stream->socket().set_option(tcp::no_delay(true));
  }

  // One exchange on the kept connection (a new one when none is open). Throws on any failure.
  Reply exchange(bhttp::request<bhttp::string_body>& request) {
    if (!stream) connect();
    boost::system::error_code error;
    // No timeout: next() waits as long as Lambda keeps the sandbox frozen.
    stream->expires_never();
    bhttp::async_write(*stream, request,
                       [&](boost::system::error_code e, std::size_t) { error = e; });
    runAll();
    if (error) throw boost::system::system_error(error);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxEventBytes);
    bhttp::async_read(*stream, buffer, parser,
                      [&](boost::system::error_code e, std::size_t) { error = e; });
    runAll();
    if (error) throw boost::system::system_error(error);
    auto& response = parser.get();
    Reply reply;
    reply.status = static_cast<long>(response.result_int());
    reply.request_id = std::string(response["Lambda-Runtime-Aws-Request-Id"]);
    reply.trace_id = std::string(response["Lambda-Runtime-Trace-Id"]);
    reply.body = std::move(response.body());
    if (!response.keep_alive()) close();
    return reply;
  }

  void close() {
    if (!stream) return;
    boost::system::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.reset();
    buffer.clear();
  }

  // One request; nothing when the Runtime API could not be reached. A kept connection found
  // closed (the other side may drop it while the sandbox is frozen) is replaced once.
  std::optional<Reply> perform(const std::string& path, const std::string* post_body,
                               const std::string& error_type = "") {
    bhttp::request<bhttp::string_body> request(
        post_body != nullptr ? bhttp::verb::post : bhttp::verb::get, "/2018-06-01" + path, 11);
    request.set(bhttp::field::host, host + ":" + port);
    if (post_body != nullptr) {
      request.set(bhttp::field::content_type, "application/json");
      if (!error_type.empty()) request.set("Lambda-Runtime-Function-Error-Type", error_type);
      request.body() = *post_body;
    }
    request.prepare_payload();
    std::string failure;
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool reused = stream.has_value();
      try {
        return exchange(request);
      } catch (const std::exception& e) {
        failure = e.what();
        close();
        if (!reused) break;
      }
    }
    telemetry::logWarn("lambda runtime API unreachable", {{"path", path}, {"error", failure}});
    return std::nullopt;
  }
};

RuntimeApi::RuntimeApi(std::string host_port) : impl_(new Impl) {
  // "host:port"; a missing port is the Runtime API's usual 9001.
  auto colon = host_port.rfind(':');
  impl_->host = host_port.substr(0, colon);
  impl_->port = colon == std::string::npos ? "9001" : host_port.substr(colon + 1);
  if (impl_->host.size() > 2 && impl_->host.front() == '[' && impl_->host.back() == ']') {
    impl_->host = impl_->host.substr(1, impl_->host.size() - 2);  // an IPv6 address
  }
}

RuntimeApi::~RuntimeApi() { delete impl_; }

std::optional<Invocation> RuntimeApi::next() {
  auto reply = impl_->perform("/runtime/invocation/next", nullptr);
  if (!reply) return std::nullopt;
  if (reply->status != 200 || reply->request_id.empty()) {
    telemetry::logWarn(
        "lambda runtime API refused next",
        {{"status", std::to_string(reply->status)}, {"body", reply->body.substr(0, 200)}});
    return std::nullopt;
  }
  return Invocation{std::move(reply->request_id), std::move(reply->body),
                    std::move(reply->trace_id)};
}

long RuntimeApi::answer(const std::string& request_id, const Outcome& outcome) {
  if (!outcome.failed) {
    return statusOf(
        impl_->perform("/runtime/invocation/" + request_id + "/response", &outcome.body));
  }
  std::string body = errorBody(outcome.error_type, outcome.error_message);
  return statusOf(
      impl_->perform("/runtime/invocation/" + request_id + "/error", &body, outcome.error_type));
}

long RuntimeApi::initError(const std::string& error_type, const std::string& message) {
  std::string body = errorBody(error_type, message);
  return statusOf(impl_->perform("/runtime/init/error", &body, error_type));
}

int runLoop(RuntimeApi& api, const std::function<Outcome(const Invocation&)>& handle) {
  for (;;) {
    std::optional<Invocation> invocation = api.next();
    if (!invocation) return 1;
    // The X-Ray trace of this invocation, for anything that propagates it.
    if (!invocation->trace_id.empty()) {
      ::setenv("_X_AMZN_TRACE_ID", invocation->trace_id.c_str(), 1);
    }
    Outcome outcome;
    try {
      outcome = handle(*invocation);
    } catch (const std::exception& e) {
      outcome = Outcome{true, "", "Runtime.HandlerError", e.what()};
    }
    long status = api.answer(invocation->request_id, outcome);
    if (status == 500 || status == 0) return 1;  // Lambda says: stop (or is gone)
    if (status != 202) {
      telemetry::logWarn("lambda answer refused", {{"status", std::to_string(status)},
                                                   {"request_id", invocation->request_id}});
    }
  }
}

}  // namespace it::lambda
