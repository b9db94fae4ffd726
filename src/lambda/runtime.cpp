#include "lambda/runtime.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>

#include "net/curl_client.hpp"
#include "telemetry/log.hpp"

namespace it::lambda {
namespace {

std::string errorBody(const std::string& type, const std::string& message) {
  return boost::json::serialize(boost::json::object{
      {"errorMessage", message}, {"errorType", type}, {"stackTrace", boost::json::array{}}});
}

// The HTTP status, 0 when the Runtime API could not be reached.
long statusOf(const std::optional<net::OutboundResponse>& response) {
  return response ? response->status : 0;
}

}  // namespace

struct RuntimeApi::Impl {
  std::string base;
  // Lambda runs one invocation at a time: one handle, and its one connection, serve them all.
  net::CurlClient client{net::CurlClient::Connections::kPerHandle};

  // One request on the kept connection. Nothing when the Runtime API could not be reached.
  std::optional<net::OutboundResponse> perform(const std::string& path,
                                               const std::string* post_body,
                                               const std::string& error_type = "") {
    net::OutboundRequest request;
    request.url = base + path;
    if (post_body != nullptr) {
      request.method = "POST";
      request.body = *post_body;
      request.headers.push_back("Content-Type: application/json");
      if (!error_type.empty()) {
        request.headers.push_back("Lambda-Runtime-Function-Error-Type: " + error_type);
      }
    }
    net::CurlCallOptions options;
    options.connect_timeout = std::chrono::milliseconds(5000);
    // No timeout: next() waits as long as Lambda keeps the sandbox frozen.
    options.total_timeout = std::chrono::milliseconds(0);
    net::TransportResult result = client.send(request, options);
    if (!result.response) {
      telemetry::logWarn("lambda runtime API unreachable",
                         {{"path", path}, {"error", result.error}});
    }
    return std::move(result.response);
  }
};

RuntimeApi::RuntimeApi(std::string host_port) : impl_(new Impl) {
  impl_->base = "http://" + host_port + "/2018-06-01";
}

RuntimeApi::~RuntimeApi() { delete impl_; }

std::optional<Invocation> RuntimeApi::next() {
  auto response = impl_->perform("/runtime/invocation/next", nullptr);
  if (!response) return std::nullopt;
  auto request_id = response->header("lambda-runtime-aws-request-id");
  if (response->status != 200 || !request_id || request_id->empty()) {
    telemetry::logWarn(
        "lambda runtime API refused next",
        {{"status", std::to_string(response->status)}, {"body", response->body.substr(0, 200)}});
    return std::nullopt;
  }
  return Invocation{std::string(*request_id), std::move(response->body),
                    std::string(response->header("lambda-runtime-trace-id").value_or(""))};
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
