#pragma once

#include <chrono>
#include <map>
#include <stdexcept>
#include <string>

#include "net/aws_json.hpp"

namespace it::aws {

// A configuration mistake (no region, no credentials), in one sentence naming what to set.
class AwsConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The AWS SDKs' standard sources, read from `env` (the process environment by default):
// region from AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` in
// ~/.aws/config; credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN, else the profile (AWS_PROFILE, default "default") in
// ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE overrides the path; AWS_CONFIG_FILE the
// config's); endpoints from AWS_ENDPOINT_URL_DYNAMODB / _SECRETS_MANAGER / _CLOUDWATCH, else
// AWS_ENDPOINT_URL, else the public endpoint of the region. Throws AwsConfigError.
net::AwsConfig awsConfigFromEnvironment();
net::AwsConfig awsConfigFrom(const std::map<std::string, std::string>& env);

}  // namespace it::aws
