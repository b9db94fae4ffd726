#pragma once

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

}  // namespace it::test
