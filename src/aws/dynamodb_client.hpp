#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aws/aws_config.hpp"
#include "net/aws_json.hpp"

namespace it::aws {

// An error answer from an AWS JSON API (after retries, when it was retryable).
class AwsError : public std::runtime_error {
 public:
  AwsError(std::string code, std::string message, long http_status,
           std::vector<std::string> cancellation_reasons = {})
      : std::runtime_error(code + ": " + message),
        code_(std::move(code)),
        message_(std::move(message)),
        http_status_(http_status),
        cancellation_reasons_(std::move(cancellation_reasons)) {}
  // The text after the last '#' of "__type" ("ResourceNotFoundException", ...), or
  // "TransportError" when no answer came back.
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  long httpStatus() const { return http_status_; }
  // For TransactionCanceledException: one code per action of the transaction, in order
  // ("None", "ConditionalCheckFailed", ...); empty otherwise.
  const std::vector<std::string>& cancellationReasons() const { return cancellation_reasons_; }

 private:
  std::string code_;
  std::string message_;
  long http_status_;
  std::vector<std::string> cancellation_reasons_;
};

struct AwsRetryPolicy {
  int max_attempts = 5;                           // including the first
  std::chrono::milliseconds initial_backoff{50};  // doubled each retry, full jitter
  std::chrono::milliseconds max_backoff{2000};
};

// The DynamoDB low-level JSON API over a net::AwsJsonTransport. Retries throttling,
// InternalServerError, 5xx and transport errors with backoff and jitter; never validation,
// condition or not-found errors. Thread-safe.
class DynamoDbClient {
 public:
  DynamoDbClient(net::AwsConfig config, net::AwsJsonTransport& transport,
                 AwsRetryPolicy retry = {});
  // Calls `operation` ("PutItem", "Query", ...) with `request`; returns the answer (an empty
  // body as {}). Throws AwsError.
  boost::json::object call(std::string_view operation, const boost::json::object& request);
  const net::AwsConfig& config() const { return config_; }

 private:
  net::AwsConfig config_;
  net::AwsJsonTransport& transport_;
  AwsRetryPolicy retry_;
};

}  // namespace it::aws
