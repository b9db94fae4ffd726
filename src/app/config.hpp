#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "providers/metadata_clients.hpp"
#include "telemetry/log.hpp"

namespace it::app {

// A configuration mistake, described in one line that names the setting.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Everything the server and the admin commands read from configuration. Precedence:
// flags > environment (IMMERSION_TRACKER_*) > config file (TOML) > these defaults.
struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string data_dir = "./data";
  // Where data lives: "sqlite" (a file in data_dir) or "dynamodb" (the originals' tables;
  // names from IMMERSION_TRACKER_TABLE and DYNAMODB_TABLE, AWS settings from the environment).
  std::string store = "sqlite";
  std::size_t io_threads = 2;
  std::size_t worker_threads = 4;
  // Threads for the requests that may call a metadata provider (syncs of movies, YouTube and
  // Spotify, PUT /show, /tvdb/search); they mostly wait on the network.
  std::size_t provider_threads = 8;
  // Threads for the Argon2id checks of passwords not verified recently (64 MiB each). They
  // are a pool of their own so that guesses from strangers never queue ahead of the requests
  // of users already signed in.
  std::size_t password_threads = 2;
  // Password checks waiting for one of those threads; past it, 503 at once (no hashing).
  std::size_t password_queue = 16;
  std::size_t max_connections = 1024;
  // Open connections from one client: one IPv4 address, or one IPv6 /64.
  std::size_t max_connections_per_client = 256;
  std::size_t max_header_bytes = 16 * 1024;
  // The sync endpoints' body limit; the others read at most 64 KiB (a sign-in 4 KiB), and
  // never more than this, but for the import.
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  // POST /api/import's body limit, its own: an export of 100,000 records is 12 MiB.
  std::size_t max_import_bytes = 64 * 1024 * 1024;
  // Request bodies read or held at once, over all connections; past it, 503 with Retry-After.
  // Never below max_body_bytes or max_import_bytes (one such body always fits).
  std::size_t max_body_bytes_in_flight = 64 * 1024 * 1024;
  // Waiting for a request's line and headers (also between keep-alive requests).
  std::size_t header_timeout_seconds = 10;
  // Reading a body, writing an answer.
  std::size_t io_timeout_seconds = 30;
  // How long one request may spend calling providers; ids not looked up by then are reported
  // failed (and synced by the next run).
  std::size_t provider_budget_seconds = 20;
  telemetry::LogLevel log_level = telemetry::LogLevel::kInfo;
  // Progress statistics are computed in each user's own zone (user set-timezone), else in
  // this one. Set by loadConfig to the machine's zone when not configured.
  std::string time_zone;
  providers::ProviderSettings providers;
  // Request metrics besides /metrics: "none", "cloudwatch-emf" (Embedded Metric Format lines
  // in the log) or "cloudwatch" (batched PutMetricData; AWS settings from the environment).
  std::string metrics = "none";
  std::string metrics_namespace = "TVShowTracker/API";
  // The original's JSON secret (users and provider credentials): a file, or a Secrets
  // Manager secret id ("immersion_tracker_api").
  std::string secrets_file;
  std::string secret_id;
  // Origins whose web pages may call the API from a browser (CORS), e.g.
  // "https://tracker.example.com"; none by default, and then no answer carries CORS headers.
  std::vector<std::string> cors_allowed_origins;
  // The web dashboard's session cookie is Secure (sent over HTTPS only). Also so, whatever
  // this says, for requests a TLS proxy forwards with X-Forwarded-Proto: https.
  bool secure_cookies = false;
  // The TOML file this configuration was read from, if any.
  std::string config_file;

  std::string databasePath() const { return data_dir + "/tracker.db"; }
};

// Values given on the command line; unset ones fall through to the environment and the file.
struct ConfigOverrides {
  std::optional<std::string> config_file;
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
  std::optional<std::string> store;
  std::optional<std::string> log_level;
  std::optional<std::string> time_zone;
  std::optional<std::string> metrics;
  std::optional<std::string> secrets_file;
  std::optional<std::string> secret_id;
};

// Builds the configuration. Throws ConfigError.
Config loadConfig(const ConfigOverrides& flags);

// "HOST:PORT" (IPv6 as "[::1]:8080"). Throws ConfigError naming `setting`.
void parseListen(const std::string& text, const std::string& setting, std::string& host,
                 std::uint16_t& port);

}  // namespace it::app
