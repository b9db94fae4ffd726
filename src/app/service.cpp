#include "app/service.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "api/account/handlers.hpp"
#include "api/export/handlers.hpp"
#include "api/immersion/handlers.hpp"
#include "api/import/handlers.hpp"
#include "api/logs/handlers.hpp"
#include "api/ops_handlers.hpp"
#include "api/tv_progress/handlers.hpp"
#include "api/web/handlers.hpp"
#include "app/private_files.hpp"
#include "app/request_telemetry.hpp"
#include "auth/authenticator.hpp"
#include "aws/aws_config.hpp"
#include "aws/dynamodb_client.hpp"
#include "domain/time_zone.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "net/curl_client.hpp"
#include "providers/metadata_clients.hpp"
#include "service/calendars.hpp"
#include "service/metadata_service.hpp"
#include "service/progress_service.hpp"
#include "service/sync_service.hpp"
#include "service/tv_progress_service.hpp"
#include "storage/dynamodb/dynamodb_store.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "telemetry/cloudwatch.hpp"
#include "telemetry/metrics.hpp"
#include "util/worker_pool.hpp"

namespace it::app {

std::unique_ptr<storage::Store> openStore(const Config& config) {
  if (config.store == "dynamodb") {
    try {
      return std::make_unique<storage::dynamodb::DynamoDbStore>(
          storage::dynamodb::DynamoDbStore::Options{
              aws::awsConfigFromEnvironment(), aws::tableNamesFromEnvironment(), {}});
    } catch (const aws::AwsConfigError& e) {
      throw ConfigError(std::string("store dynamodb: ") + e.what());
    }
  }
  keepDataPrivate(config);
  return std::make_unique<storage::sqlite::SqliteStore>(
      storage::sqlite::SqliteStore::Options{config.databasePath()});
}

// The zone of users without one of their own: loadConfig has checked it; a Config built by
// hand (tests) may leave it empty for the machine's.
std::string defaultTimeZone(const Config& config) {
  std::string zone = config.time_zone.empty() ? domain::machineTimeZoneName() : config.time_zone;
  if (domain::findTimeZone(zone) == nullptr) {
    throw ConfigError("time_zone: \"" + zone + "\" is not a time zone of the tz database");
  }
  return zone;
}

net::CurlTransport::Options transportOptions(const providers::ProviderSettings& settings) {
  net::CurlTransport::Options options;
  options.total_timeout = settings.request_timeout;
  options.connect_timeout = std::min(settings.connect_timeout, settings.request_timeout);
  return options;
}

// Members in construction order; destroyed in reverse, so the server stops before the pool
// drains and the store commits what is queued last.
// `--metrics cloudwatch`: the publisher and its transport; nothing otherwise.
struct CloudWatchParts {
  std::unique_ptr<net::AwsJsonTransport> transport;
  std::unique_ptr<telemetry::CloudWatchPublisher> publisher;

  explicit CloudWatchParts(const Config& config) {
    if (config.metrics != "cloudwatch") return;
    transport = net::makeCurlAwsTransport();
    telemetry::CloudWatchPublisher::Options options;
    options.metric_namespace = config.metrics_namespace;
    publisher = std::make_unique<telemetry::CloudWatchPublisher>(aws::awsConfigFromEnvironment(),
                                                                 *transport, options);
  }
};

struct Service::Parts {
  std::unique_ptr<storage::Store> store;
  telemetry::HttpMetrics metrics;
  CloudWatchParts cloudwatch;
  RequestTelemetry request_telemetry;
  auth::Authenticator authenticator;
  net::CurlTransport transport;
  std::unique_ptr<providers::TvdbClient> tvdb;
  std::unique_ptr<providers::TmdbClient> tmdb;
  std::unique_ptr<providers::YoutubeClient> youtube;
  std::unique_ptr<providers::SpotifyClient> spotify;
  service::MetadataService metadata;
  service::Calendars calendars;
  service::SyncService sync;
  service::ProgressService progress;
  service::TvProgressService tv_progress;
  service::LogService logs;
  api::immersion::Dependencies immersion;
  api::logs::Dependencies log_routes;
  api::account::Dependencies account;
  api::exports::Dependencies exports;
  api::imports::Dependencies imports;
  WorkerPool workers;
  WorkerPool provider_workers;  // Execution::kProvider
  WorkerPool password_workers;  // Execution::kPasswordCheck
  http::Router router;
  http::Server server;

  WorkerPool& poolFor(http::Execution where) {
    switch (where) {
      case http::Execution::kProvider:
        return provider_workers;
      case http::Execution::kPasswordCheck:
        return password_workers;
      case http::Execution::kInline:  // the router never offloads inline work
      case http::Execution::kBlocking:
        break;
    }
    return workers;
  }

  std::vector<http::Route> allRoutes() {
    std::vector<http::Route> routes = api::opsRoutes(metrics);
    for (auto& r : api::tv_progress::routes(tv_progress)) routes.push_back(std::move(r));
    for (auto& r : api::immersion::routes(immersion)) routes.push_back(std::move(r));
    for (auto& r : api::logs::routes(log_routes)) routes.push_back(std::move(r));
    for (auto& r : api::account::routes(account)) routes.push_back(std::move(r));
    for (auto& r : api::exports::routes(exports)) routes.push_back(std::move(r));
    for (auto& r : api::imports::routes(imports)) routes.push_back(std::move(r));
    for (auto& r : api::web::routes(api::web::embeddedBundle())) routes.push_back(std::move(r));
    return routes;
  }

  Parts(const Config& config, const Clock& clock, bool handle_signals)
      : store(openStore(config)),
        cloudwatch(config),
        request_telemetry(metrics,
                          CloudWatchOutput{config.metrics == "cloudwatch-emf",
                                           cloudwatch.publisher.get(), config.metrics_namespace}),
        authenticator(*store, auth::Authenticator::Options{.clock = &clock}),
        transport(transportOptions(config.providers)),
        tvdb(providers::makeTvdbClient(config.providers, transport, clock)),
        tmdb(providers::makeTmdbClient(config.providers, transport)),
        youtube(providers::makeYoutubeClient(config.providers, transport)),
        spotify(providers::makeSpotifyClient(config.providers, transport, clock)),
        // A request may spend two provider timeouts (20 s by default) asking providers.
        metadata(*store, clock, *tvdb, *tmdb, *youtube, *spotify,
                 {.request_budget = std::chrono::seconds(config.provider_budget_seconds)}),
        calendars(*store, defaultTimeZone(config)),
        sync(*store, clock, metadata, calendars),
        progress(*store, *store, clock, calendars),
        tv_progress(*store, clock),
        logs(*store, clock, calendars),
        immersion{sync, progress, metadata},
        log_routes{logs},
        account{*store, calendars,     providers::configuredProviders(config.providers),
                clock,  authenticator, config.secure_cookies},
        exports{*store, calendars, clock},
        imports{*store, calendars, config.max_import_bytes},
        workers(config.worker_threads),
        provider_workers(config.provider_threads),
        password_workers(config.password_threads),
        router(
            allRoutes(), authenticator, request_telemetry,
            [this, password_queue = config.password_queue](http::Execution where,
                                                           std::function<void()> task) {
              if (where == http::Execution::kPasswordCheck) {
                return password_workers.tryPost(std::move(task), password_queue);
              }
              poolFor(where).post(std::move(task));
              return true;
            },
            store->fastReads(), http::CorsPolicy(config.cors_allowed_origins),
            config.secure_cookies, config.max_body_bytes),
        server(
            http::Server::Options{
                .host = config.host,
                .port = config.port,
                .io_threads = config.io_threads,
                .max_connections = config.max_connections,
                .max_connections_per_client = config.max_connections_per_client,
                .max_header_bytes = config.max_header_bytes,
                .max_body_bytes_in_flight = config.max_body_bytes_in_flight,
                .header_timeout = std::chrono::seconds(config.header_timeout_seconds),
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

void Service::dispatch(const http::Request& request, http::Respond respond) {
  parts_->router.dispatch(request, std::move(respond));
}

auth::AuthResult Service::authenticate(std::string_view authorization, std::string_view client) {
  return parts_->authenticator.verify(authorization, client);
}

}  // namespace it::app
