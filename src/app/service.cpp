#include "app/service.hpp"

#include <filesystem>
#include <system_error>

#include "api/ops_handlers.hpp"
#include "api/tv_progress/handlers.hpp"
#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "telemetry/metrics.hpp"
#include "telemetry/request_telemetry.hpp"
#include "util/worker_pool.hpp"

namespace it::app {

std::unique_ptr<storage::Store> openStore(const Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) {
    throw ConfigError("data_dir " + config.data_dir + " cannot be created: " + ec.message());
  }
  return std::make_unique<storage::sqlite::SqliteStore>(
      storage::sqlite::SqliteStore::Options{config.databasePath()});
}

// Members in construction order; destroyed in reverse, so the server stops before the pool
// drains and the store commits what is queued last.
struct Service::Parts {
  std::unique_ptr<storage::Store> store;
  telemetry::HttpMetrics metrics;
  telemetry::RequestTelemetry request_telemetry{metrics};
  auth::Authenticator authenticator;
  WorkerPool workers;
  http::Router router;
  http::Server server;

  static std::vector<http::Route> allRoutes(storage::Store& store, const Clock& clock,
                                            const telemetry::HttpMetrics& metrics) {
    std::vector<http::Route> routes = api::opsRoutes(metrics);
    for (auto& r : api::tv_progress::routes(store, clock)) routes.push_back(std::move(r));
    return routes;
  }

  Parts(const Config& config, const Clock& clock, bool handle_signals)
      : store(openStore(config)),
        authenticator(*store),
        workers(config.worker_threads),
        router(
            allRoutes(*store, clock, metrics), authenticator, request_telemetry,
            [this](std::function<void()> task) { workers.post(std::move(task)); },
            store->fastReads()),
        server(
            http::Server::Options{
                .host = config.host,
                .port = config.port,
                .io_threads = config.io_threads,
                .max_connections = config.max_connections,
                .max_header_bytes = config.max_header_bytes,
                .max_body_bytes = config.max_body_bytes,
                .io_timeout = std::chrono::seconds(config.io_timeout_seconds),
                .handle_signals = handle_signals,
            },
            router) {}
};

Service::Service(const Config& config, const Clock& clock, bool handle_signals)
    : parts_(std::make_unique<Parts>(config, clock, handle_signals)) {}

Service::~Service() = default;

void Service::start() { parts_->server.start(); }
std::uint16_t Service::port() const { return parts_->server.port(); }
void Service::stop() { parts_->server.stop(); }
void Service::wait() { parts_->server.wait(); }
storage::Store& Service::store() { return *parts_->store; }

}  // namespace it::app
