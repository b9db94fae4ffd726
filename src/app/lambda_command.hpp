#pragma once

#include <chrono>

#include "app/config.hpp"

namespace it::app {

// `immersion-tracker lambda`: the Lambda custom runtime (the `bootstrap` of the function).
// Builds the service as `serve` does (store, the original's secret), then answers the events
// of AWS_LAMBDA_RUNTIME_API one at a time through the same router: API Gateway proxy
// requests (REST v1, HTTP API v2) and the original's REQUEST authorizer. A failure to start
// is posted to /runtime/init/error. Returns the exit code.
int runLambda(Config config, std::chrono::steady_clock::time_point process_start);

}  // namespace it::app
