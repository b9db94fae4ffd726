#include "support/moto_server.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "support/http_client.hpp"

namespace it::test {
namespace {

std::string motoPath() { return findInPath("moto_server"); }

// A port the kernel just handed out; moto binds it a moment later.
int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

bool MotoServer::available() { return !motoPath().empty(); }

MotoServer::MotoServer() {
  std::string path = motoPath();
  if (path.empty()) throw std::runtime_error("moto_server is not installed");
  port_ = freePort();
  process_ = std::make_unique<Process>(
      std::vector<std::string>{path, "-H", "127.0.0.1", "-p", std::to_string(port_)});
  // Ready when it answers; moto takes under a second to start here.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      HttpClient client(url());
      if (client.post("/moto-api/reset", "").status == 200) return;
    } catch (const std::exception&) {  // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("moto_server did not start: " + process_->err());
}

MotoServer::~MotoServer() {
  if (process_) {
    process_->signal(SIGTERM);
    process_->wait();
  }
}

void MotoServer::reset() {
  HttpClient client(url());
  if (client.post("/moto-api/reset", "").status != 200) {
    throw std::runtime_error("moto reset failed");
  }
}

}  // namespace it::test
