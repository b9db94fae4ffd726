#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace it::net {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials (Lambda, SSO); empty otherwise
};

// Where and as whom AWS is called. A plain value; aws::awsConfigFromEnvironment fills it.
struct AwsConfig {
  std::string region;
  AwsCredentials credentials;
  // Origins per service ("https://dynamodb.eu-west-1.amazonaws.com", "http://127.0.0.1:5055").
  std::string dynamodb_endpoint;
  std::string secretsmanager_endpoint;
  std::string monitoring_endpoint;  // CloudWatch metrics
};

// Sends one signed request of an AWS JSON protocol (DynamoDB, Secrets Manager, CloudWatch):
// POST / with X-Amz-Target, SigV4 signed (libcurl's CURLOPT_AWS_SIGV4, with its 7.88 catches
// avoided: body through POSTFIELDS, an explicit Content-Type, no value-less headers, the
// session token as a signed header). Reports what came back, never throws. Implementations
// are thread-safe; tests replace it with fakes.
class AwsJsonTransport {
 public:
  virtual ~AwsJsonTransport() = default;
  struct Answer {
    bool transport_ok = false;
    std::string transport_error;
    long status = 0;
    std::string body;
  };
  // `endpoint` is an origin; `service` the SigV4 signing name ("dynamodb", "secretsmanager",
  // "monitoring"); `target` the X-Amz-Target value; `content_type` application/x-amz-json-1.0
  // or -1.1.
  virtual Answer post(const AwsConfig& config, std::string_view endpoint, std::string_view service,
                      std::string_view target, std::string_view content_type,
                      const std::string& body) = 0;
};

// The AwsJsonTransport over CurlClient: each calling thread keeps its own connection alive, so
// consecutive calls skip the handshakes; 5 s to connect, 30 s per call, answers up to 64 MiB.
std::unique_ptr<AwsJsonTransport> makeCurlAwsTransport();

}  // namespace it::net
