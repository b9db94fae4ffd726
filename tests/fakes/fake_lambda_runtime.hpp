#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace it::test {

// The Lambda Runtime API (reference/external-apis.md §6.1) on a loopback port, for running
// `immersion-tracker lambda` as Lambda would: GET /2018-06-01/runtime/invocation/next hands
// out the queued events one at a time (with Lambda-Runtime-Aws-Request-Id,
// Lambda-Runtime-Deadline-Ms, Lambda-Runtime-Invoked-Function-Arn and
// Lambda-Runtime-Trace-Id), holding the request open while the queue is empty; POST
// .../invocation/{id}/response, .../invocation/{id}/error and /2018-06-01/runtime/init/error
// are recorded and answered 202. Thread-safe.
class FakeLambdaRuntime {
 public:
  FakeLambdaRuntime();  // listening on 127.0.0.1, a free port
  ~FakeLambdaRuntime();
  FakeLambdaRuntime(const FakeLambdaRuntime&) = delete;
  FakeLambdaRuntime& operator=(const FakeLambdaRuntime&) = delete;

  // "127.0.0.1:PORT", the value of AWS_LAMBDA_RUNTIME_API (no scheme).
  std::string address() const;

  // Queues an event (JSON text); returns its request id ("req-1", "req-2", ...).
  std::string addEvent(std::string event_json);

  // What the runtime posted back for one invocation.
  struct Answer {
    std::string request_id;
    bool error = false;      // posted to .../error rather than .../response
    std::string body;        // the response body, or the error JSON
    std::string error_type;  // the Lambda-Runtime-Function-Error-Type header, if any
  };
  // Waits until the invocation `request_id` was answered, at most `timeout`.
  std::optional<Answer> waitForAnswer(const std::string& request_id,
                                      std::chrono::milliseconds timeout);
  // Waits for a POST to /runtime/init/error, at most `timeout`: its body and error type.
  std::optional<Answer> waitForInitError(std::chrono::milliseconds timeout);
  // How many times invocation/next was asked for so far, and when it was first asked
  // (steady clock), for measuring the runtime's cold start.
  int nextRequests() const;
  std::optional<std::chrono::steady_clock::time_point> firstNextAt() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace it::test
