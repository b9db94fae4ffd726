#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "app/config.hpp"
#include "app/service.hpp"
#include "fakes/fixed_clock.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace it::test {

// Starts the real server (app::Service) on 127.0.0.1:0 with a fresh SQLite file and a fixed
// clock. Users: alice and bob (plain), root (admin); their passwords are "<name>-pass".
// With IT_TEST_STORE=dynamodb (ctest runs the suite both ways), the store is DynamoDB on a
// moto_server of the test's own, with empty tables.
class ServerTest : public ::testing::Test {
 public:
  static bool onDynamoDb();

 protected:
  void SetUp() override;
  void TearDown() override;

  // Hook for tests that need other limits; called before the service starts.
  virtual void adjust(app::Config&) {}

  std::string baseUrl() const;
  // A client already logged in as `user` (Basic auth).
  std::unique_ptr<HttpClient> clientFor(const std::string& user);
  void addUser(const std::string& name, bool admin);

  TempDir dir_;
  FixedClock clock_{readmeTime()};
  app::Config config_;
  std::unique_ptr<app::Service> service_;
};

}  // namespace it::test
