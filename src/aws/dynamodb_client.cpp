#include "aws/dynamodb_client.hpp"

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <thread>
#include <utility>
#include <vector>

#include "util/retry.hpp"

namespace it::aws {
namespace {

bool isRetryableCode(std::string_view code) {
  static constexpr std::array<std::string_view, 8> kRetryable = {
      "ProvisionedThroughputExceededException",
      "ThrottlingException",
      "RequestLimitExceeded",
      "LimitExceededException",
      "InternalServerError",
      "TransactionConflictException",
      "TransactionInProgressException",
      "ItemCollectionSizeLimitExceededException",
  };
  return std::find(kRetryable.begin(), kRetryable.end(), code) != kRetryable.end();
}

// The codes of a TransactionCanceledException's CancellationReasons, in order.
std::vector<std::string> cancellationReasons(const boost::json::object& error) {
  std::vector<std::string> codes;
  const auto* reasons = error.if_contains("CancellationReasons");
  if (reasons == nullptr || !reasons->is_array()) return codes;
  for (const auto& reason : reasons->get_array()) {
    std::string code = "None";
    if (reason.is_object()) {
      if (const auto* c = reason.get_object().if_contains("Code"); c != nullptr && c->is_string()) {
        code = std::string(c->get_string());
      }
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

// A cancelled transaction is worth another go only when it lost a race or was throttled;
// a failed condition or a validation error would fail the same way again.
bool isRetryableCancellation(const std::vector<std::string>& reasons) {
  bool any = false;
  for (const auto& code : reasons) {
    if (code == "None") continue;
    if (code != "TransactionConflict" && code != "ThrottlingError") return false;
    any = true;
  }
  return any;
}

struct Failure {
  std::string code;
  std::string message;
  long status = 0;
  bool retryable = false;
  std::vector<std::string> cancellation_reasons;
};

Failure classify(const net::AwsJsonTransport::Answer& answer) {
  Failure failure;
  failure.status = answer.status;
  boost::json::object error;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(answer.body, ec);
  if (!ec && parsed.is_object()) error = std::move(parsed.get_object());
  std::string_view type;
  if (const auto* t = error.if_contains("__type"); t != nullptr && t->is_string()) {
    type = t->get_string();
  }
  if (!type.empty()) {
    auto hash = type.rfind('#');
    failure.code = std::string(hash == std::string_view::npos ? type : type.substr(hash + 1));
  } else {
    failure.code = answer.status >= 500 ? "ServiceUnavailable" : "UnknownError";
  }
  for (const char* key : {"message", "Message"}) {
    if (const auto* m = error.if_contains(key); m != nullptr && m->is_string()) {
      failure.message = std::string(m->get_string());
      break;
    }
  }
  if (failure.message.empty()) {
    failure.message = "HTTP " + std::to_string(answer.status) + " " + answer.body.substr(0, 200);
  }
  if (failure.code == "TransactionCanceledException") {
    failure.cancellation_reasons = cancellationReasons(error);
  }
  failure.retryable = answer.status >= 500 || isRetryableCode(failure.code) ||
                      isRetryableCancellation(failure.cancellation_reasons);
  return failure;
}

std::chrono::milliseconds jitteredBackoff(const AwsRetryPolicy& policy, int retry_index) {
  return fullJitterBackoff(policy.initial_backoff, policy.max_backoff, retry_index);
}

}  // namespace

DynamoDbClient::DynamoDbClient(net::AwsConfig config, net::AwsJsonTransport& transport,
                               AwsRetryPolicy retry)
    : config_(std::move(config)), transport_(transport), retry_(retry) {}

boost::json::object DynamoDbClient::call(std::string_view operation,
                                         const boost::json::object& request) {
  const std::string target = "DynamoDB_20120810." + std::string(operation);
  const std::string body = boost::json::serialize(request);
  const int attempts = std::max(retry_.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    net::AwsJsonTransport::Answer answer = transport_.post(
        config_, config_.dynamodb_endpoint, "dynamodb", target, "application/x-amz-json-1.0", body);
    Failure failure;
    if (!answer.transport_ok) {
      failure = {"TransportError", answer.transport_error, 0, true, {}};
    } else if (answer.status >= 200 && answer.status < 300) {
      if (answer.body.empty()) return {};
      boost::system::error_code ec;
      boost::json::value parsed = boost::json::parse(answer.body, ec);
      if (ec || !parsed.is_object()) {
        throw AwsError("InvalidResponse",
                       std::string(operation) + " answered with a body that is not a JSON object",
                       answer.status);
      }
      return std::move(parsed.get_object());
    } else {
      failure = classify(answer);
    }
    if (!failure.retryable || attempt >= attempts) {
      throw AwsError(std::move(failure.code), std::move(failure.message), failure.status,
                     std::move(failure.cancellation_reasons));
    }
    auto wait = jitteredBackoff(retry_, attempt - 1);
    if (wait > std::chrono::milliseconds::zero()) std::this_thread::sleep_for(wait);
  }
}

}  // namespace it::aws
