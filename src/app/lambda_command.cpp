#include "app/lambda_command.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <future>
#include <optional>
#include <variant>

#include "app/secrets.hpp"
#include "app/service.hpp"
#include "lambda/events.hpp"
#include "lambda/runtime.hpp"
#include "telemetry/log.hpp"
#include "util/env.hpp"

namespace it::app {
namespace {

lambda::Outcome answerHttp(Service& service, lambda::HttpEvent& event) {
  std::promise<http::Response> answered;
  std::future<http::Response> response = answered.get_future();
  service.dispatch(event.request,
                   [&answered](http::Response r) { answered.set_value(std::move(r)); });
  // The delay a front end may hold a failed login back by is not worth a billed wait here.
  return {false, lambda::proxyResponse(response.get(), event.version), "", ""};
}

// The original AuthHandler's contract: no credentials fail the invocation with
// "Unauthorized" (API Gateway answers 401); wrong ones get a Deny policy (403); a user
// other than the one in ?user= (the 2025 client sent both) is denied too.
lambda::Outcome answerAuthorizer(Service& service, const lambda::AuthorizerEvent& event) {
  if (!event.authorization || event.authorization->empty()) {
    return {true, "", "Unauthorized", "Unauthorized"};
  }
  auth::AuthResult result = service.authenticate(*event.authorization, event.source_ip);
  bool allow = result.outcome == auth::AuthOutcome::kAuthenticated &&
               (!event.user_parameter || *event.user_parameter == result.principal.username);
  std::string principal = allow ? result.principal.username : "anonymous";
  return {false, lambda::authorizerPolicy(principal, allow, event.resource_arn), "", ""};
}

lambda::Outcome answerUnknown(const lambda::UnknownEvent& event) {
  http::Response response;
  response.status = 400;
  response.body =
      boost::json::serialize(boost::json::object{{"error", "Bad event: " + event.reason}});
  return {false, lambda::proxyResponse(response, lambda::PayloadVersion::kRestV1), "", ""};
}

}  // namespace

int runLambda(Config config, std::chrono::steady_clock::time_point process_start) {
  // Lambda collects stdout line by line and may freeze the process between invocations:
  // nothing may wait in a buffer.
  telemetry::configureLogging(config.log_level, /*buffered=*/false);
  auto address = envVar("AWS_LAMBDA_RUNTIME_API");
  if (!address) {
    throw ConfigError(
        "AWS_LAMBDA_RUNTIME_API is not set: `immersion-tracker lambda` runs as the bootstrap of "
        "a Lambda function (use `serve` elsewhere)");
  }
  lambda::RuntimeApi api(*address);

  SystemClock clock;
  std::unique_ptr<Service> service;
  try {
    auto secret = loadServiceSecret(config);
    if (secret) applyProviderCredentials(*secret, config);
    service = std::make_unique<Service>(config, clock);
    if (secret) syncSecretUsers(*secret, service->store());
  } catch (const std::exception& e) {
    telemetry::logWarn("lambda init failed", {{"error", e.what()}});
    api.initError("Runtime.InitError", e.what());
    return 1;
  }
  auto init_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - process_start)
          .count();
  telemetry::logInfo("lambda runtime ready",
                     {{"init_ms", std::to_string(init_ms)}, {"store", config.store}});

  return lambda::runLoop(api, [&](const lambda::Invocation& invocation) {
    lambda::Event event = lambda::parseEvent(invocation.event);
    if (auto* http_event = std::get_if<lambda::HttpEvent>(&event)) {
      if (http_event->request.request_id.empty()) {
        http_event->request.request_id = invocation.request_id;
      }
      return answerHttp(*service, *http_event);
    }
    if (auto* authorizer = std::get_if<lambda::AuthorizerEvent>(&event)) {
      return answerAuthorizer(*service, *authorizer);
    }
    return answerUnknown(std::get<lambda::UnknownEvent>(event));
  });
}

}  // namespace it::app
