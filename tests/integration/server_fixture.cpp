#include "integration/server_fixture.hpp"

#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

#include "auth/passwords.hpp"
#include "aws/aws_config.hpp"
#include "aws/tables.hpp"
#include "support/moto_server.hpp"
#include "util/env.hpp"

namespace it::test {
namespace {

// One moto_server per test process (ctest runs each test in a process of its own), wiped
// before every test.
MotoServer& sharedMoto() {
  static MotoServer moto;
  return moto;
}

// Empty tables in a fresh moto, and the environment the server reads its AWS settings from.
void prepareDynamoDb() {
  MotoServer& moto = sharedMoto();
  moto.reset();
  ::setenv("AWS_ACCESS_KEY_ID", "test", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "test", 1);
  ::setenv("AWS_REGION", "us-east-1", 1);
  ::setenv("AWS_ENDPOINT_URL", moto.url().c_str(), 1);
  ::unsetenv("AWS_SESSION_TOKEN");
  ::unsetenv("AWS_ENDPOINT_URL_DYNAMODB");
  auto transport = net::makeCurlAwsTransport();
  aws::DynamoDbClient client(aws::awsConfigFromEnvironment(), *transport);
  std::ostringstream ignored;
  aws::createTables(client, aws::tableNamesFromEnvironment(), false, ignored);
}

// Argon2id is slow on purpose; hash each test password once per test binary.
const std::string& cachedHash(const std::string& password) {
  static std::mutex mutex;
  static std::map<std::string, std::string> hashes;
  std::lock_guard lock(mutex);
  auto it = hashes.find(password);
  if (it == hashes.end()) it = hashes.emplace(password, auth::hashPassword(password)).first;
  return it->second;
}

}  // namespace

bool ServerTest::onDynamoDb() { return envVar("IT_TEST_STORE") == "dynamodb"; }

void ServerTest::SetUp() {
  if (onDynamoDb()) {
    if (!MotoServer::available()) GTEST_SKIP() << "moto_server is not installed";
    prepareDynamoDb();
    config_.store = "dynamodb";
  }
  config_.data_dir = dir_.path();
  config_.host = "127.0.0.1";
  config_.port = 0;
  config_.io_threads = 2;
  config_.worker_threads = 2;
  config_.provider_threads = 2;
  adjust(config_);
  service_ = std::make_unique<app::Service>(config_, clock_);
  addUser("alice", false);
  addUser("bob", false);
  addUser("root", true);
  service_->start();
}

void ServerTest::TearDown() {
  if (!service_) return;
  service_->stop();
  service_->wait();
  service_.reset();
}

std::string ServerTest::baseUrl() const {
  return "http://127.0.0.1:" + std::to_string(service_->port());
}

std::unique_ptr<HttpClient> ServerTest::clientFor(const std::string& user) {
  auto client = std::make_unique<HttpClient>(baseUrl());
  client->setBasicAuth(user, user + "-pass");
  return client;
}

void ServerTest::addUser(const std::string& name, bool admin) {
  ASSERT_TRUE(service_->store().addUser(
      {name, cachedHash(name + "-pass"), admin, "2025-01-01T00:00:00.000000"}));
}

}  // namespace it::test
