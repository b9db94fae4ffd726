#pragma once

#include <functional>
#include <optional>
#include <string>

namespace it::lambda {

// One event handed out by the Lambda Runtime API.
struct Invocation {
  std::string request_id;
  std::string event;  // JSON text
  std::string trace_id;
};

// What the function did with an invocation: a response body, or a failure
// (posted to .../error, which API Gateway turns into its own error answer; an authorizer
// failing with "Unauthorized" makes API Gateway answer 401).
struct Outcome {
  bool failed = false;
  std::string body;
  std::string error_type;  // e.g. "Unauthorized", "Runtime.HandlerError"
  std::string error_message;
};

// The client of Lambda's Runtime API (the custom runtime's interface: next event, response,
// error, init error) over Boost.Beast, at http://<AWS_LAMBDA_RUNTIME_API>/2018-06-01. One
// connection, reused. Not thread-safe: the runtime loop is its only user.
class RuntimeApi {
 public:
  explicit RuntimeApi(std::string host_port);
  ~RuntimeApi();
  RuntimeApi(const RuntimeApi&) = delete;
  RuntimeApi& operator=(const RuntimeApi&) = delete;

  // Waits (without a timeout: the sandbox may be frozen meanwhile) for the next event.
  // Nothing when the Runtime API cannot be reached or answers something else than 200.
  std::optional<Invocation> next();
  // Posts the outcome of an invocation; returns the HTTP status (202 when accepted, 0 when
  // the Runtime API could not be reached).
  long answer(const std::string& request_id, const Outcome& outcome);
  // Reports a failure to start (before the first next()).
  long initError(const std::string& error_type, const std::string& message);

 private:
  struct Impl;
  Impl* impl_;
};

// Runs invocations one at a time until the Runtime API goes away or says the runtime must
// stop (a 500 to an answer): next, handle, answer. A handler that throws is reported as
// "Runtime.HandlerError" with its message. Returns the process exit code.
int runLoop(RuntimeApi& api, const std::function<Outcome(const Invocation&)>& handle);

}  // namespace it::lambda
