#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/process.hpp"

namespace it::test {

// A real moto_server (the AWS mock installed on the machine) on a free loopback port, for
// the tests of the AWS clients. Ready when constructed (it polls /moto-api/reset until moto
// answers); stopped by its process id when destroyed. Use reset() between tests.
class MotoServer {
 public:
  MotoServer();
  ~MotoServer();
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  // Whether moto_server is installed here (tests skip otherwise).
  static bool available();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Wipes every table, secret and metric.
  void reset();

 private:
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

// A test suite sharing one moto_server (started once per suite, reset before every test);
// its tests are skipped where moto_server is not installed.
class MotoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (MotoServer::available()) moto_ = new MotoServer();
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override {
    if (moto_ == nullptr) GTEST_SKIP() << "moto_server is not installed";
    moto_->reset();
  }
  static inline MotoServer* moto_ = nullptr;
};

}  // namespace it::test
