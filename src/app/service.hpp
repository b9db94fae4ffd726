#pragma once

#include <cstdint>
#include <memory>

#include "app/config.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"

namespace it::app {

// The composition root of the server: builds the store, authenticator, metrics, worker pool,
// router and HTTP server from a Config, and owns them. `serve` and the integration tests
// use it alike. Not copyable; start/stop/wait are thread-safe.
class Service {
 public:
  // Opens (and migrates) the store in config.data_dir, creating the directory. Throws
  // ConfigError or storage::StoreError.
  Service(const Config& config, const Clock& clock, bool handle_signals = false);
  ~Service();

  // Binds and starts serving. Throws std::runtime_error when it cannot listen.
  void start();
  std::uint16_t port() const;
  void stop();
  void wait();

  storage::Store& store();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

// Opens the store of `config` for the admin commands.
std::unique_ptr<storage::Store> openStore(const Config& config);

}  // namespace it::app
