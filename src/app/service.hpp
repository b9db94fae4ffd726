#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "app/config.hpp"
#include "auth/authenticator.hpp"
#include "http/router.hpp"
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

  // For front ends other than the HTTP server (Lambda): answers `request` through the same
  // router, exactly once, from any thread; `request` must stay alive until then.
  void dispatch(const http::Request& request, http::Respond respond);
  // Checks an Authorization header value ("Basic ...", "Bearer ...") as the router does,
  // including the slow Argon2id path (blocking).
  auth::AuthResult authenticate(std::string_view authorization, std::string_view client);

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

// Opens the store of `config` for the admin commands.
std::unique_ptr<storage::Store> openStore(const Config& config);

// The time zone of users without one of their own: the configured one, else the machine's.
// Throws ConfigError when it is not a zone of the tz database.
std::string defaultTimeZone(const Config& config);

}  // namespace it::app
