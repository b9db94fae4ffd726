#include "integration/server_fixture.hpp"

#include <map>
#include <mutex>

#include "auth/passwords.hpp"

namespace it::test {
namespace {

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

void ServerTest::SetUp() {
  config_.data_dir = dir_.path();
  config_.host = "127.0.0.1";
  config_.port = 0;
  config_.io_threads = 2;
  config_.worker_threads = 2;
  adjust(config_);
  service_ = std::make_unique<app::Service>(config_, clock_);
  addUser("alice", false);
  addUser("bob", false);
  addUser("root", true);
  service_->start();
}

void ServerTest::TearDown() {
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
