#pragma once

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>

namespace it::aws {

// A configuration mistake (no region, no credentials), in one sentence naming what to set.
class AwsConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials (Lambda, SSO); empty otherwise
};

// Where and as whom AWS is called.
struct AwsConfig {
  std::string region;
  Credentials credentials;
  // Origins per service ("https://dynamodb.eu-west-1.amazonaws.com", "http://127.0.0.1:5055").
  std::string dynamodb_endpoint;
  std::string secretsmanager_endpoint;
  std::string monitoring_endpoint;  // CloudWatch metrics
};

// The AWS SDKs' standard sources, read from `env` (the process environment by default):
// region from AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` in
// ~/.aws/config; credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN, else the profile (AWS_PROFILE, default "default") in
// ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE overrides the path; AWS_CONFIG_FILE the
// config's); endpoints from AWS_ENDPOINT_URL_DYNAMODB / _SECRETS_MANAGER / _CLOUDWATCH, else
// AWS_ENDPOINT_URL, else the public endpoint of the region. Throws AwsConfigError.
AwsConfig awsConfigFromEnvironment();
AwsConfig awsConfigFrom(const std::map<std::string, std::string>& env);

}  // namespace it::aws
