#include "app/cli/server_commands.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include "app/cli/command_support.hpp"
#include "app/lambda_command.hpp"
#include "app/secrets.hpp"
#include "app/service.hpp"
#include "auth/passwords.hpp"
#include "storage/store.hpp"
#include "telemetry/log.hpp"

namespace it::app::cli {
namespace {

// When this process started (static initialisation runs before main), for the Lambda cold start.
const auto kProcessStart = std::chrono::steady_clock::now();

// When the store has no users at all, creates "admin" with a random password and prints it
// once, so a first-time user can sign in. True when it did.
bool ensureFirstAdmin(storage::Store& store) {
  if (!store.listUsers().empty()) return false;
  std::string password = auth::randomPassword();
  storage::UserRecord admin{"admin", auth::hashPassword(password), true, timestampNow()};
  if (!store.addUser(admin)) return false;  // another process created it first
  std::fprintf(stderr,
               "Created the first user \"admin\" with password: %s\n"
               "It is shown only this once. Change it with: immersion-tracker user passwd "
               "admin\n",
               password.c_str());
  std::fflush(stderr);
  return true;
}

// "host:port", with an IPv6 host in brackets.
std::string hostAndPort(const std::string& host, int port) {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

// Where a browser on this machine finds the dashboard: a wildcard address is reached through
// the loopback one.
std::string dashboardUrl(const std::string& host, int port) {
  return "http://" +
         hostAndPort(host == "0.0.0.0" ? "127.0.0.1"
                     : host == "::"    ? "::1"
                                       : host,
                     port) +
         "/";
}

}  // namespace

ServeCommand::ServeCommand(CLI::App& app, ConfigOverrides& overrides)
    : Subcommand(app, "serve", "Run the HTTP server") {
  CLI::App& serve = command();
  serve.add_option("--listen", overrides.listen,
                   "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  serve.add_option("--log-level", overrides.log_level, "debug, info, warn, error or off");
  serve.add_option("--time-zone", overrides.time_zone,
                   "Default time zone for progress statistics (default: the machine's)");
  serve.add_option("--secrets-file", overrides.secrets_file,
                   "The original's JSON secret (users, provider credentials) from a file");
  serve.add_option("--secret-id", overrides.secret_id,
                   "The same from AWS Secrets Manager, e.g. immersion_tracker_api");
  serve.add_option("--metrics", overrides.metrics,
                   "Also send request metrics to CloudWatch: none, cloudwatch-emf (log "
                   "lines) or cloudwatch (PutMetricData)");
}

int ServeCommand::run(Config config) {
  telemetry::configureLogging(config.log_level, /*buffered=*/true);
  auto secret = loadServiceSecret(config);
  if (secret) applyProviderCredentials(*secret, config);
  SystemClock clock;
  Service service(config, clock, /*handle_signals=*/true);
  if (secret) {
    int changed = syncSecretUsers(*secret, service.store());
    telemetry::logInfo("secret loaded", {{"users", std::to_string(secret->users.size())},
                                         {"users_added_or_updated", std::to_string(changed)}});
  }
  bool first_admin = ensureFirstAdmin(service.store());
  service.start();
  std::string address = hostAndPort(config.host, service.port());
  telemetry::logInfo("listening", {{"address", address}, {"data_dir", config.data_dir}});
  std::fprintf(stderr, "The dashboard is at %s%s\n",
               dashboardUrl(config.host, service.port()).c_str(),
               first_admin ? " (sign in as \"admin\" with the password above)" : "");
  std::fflush(stderr);
  service.wait();
  telemetry::logInfo("stopped");
  telemetry::shutdownLogging();
  return 0;
}

LambdaCommand::LambdaCommand(CLI::App& app)
    : Subcommand(app, "lambda", "Run as an AWS Lambda custom runtime (the function's bootstrap)") {}

int LambdaCommand::run(Config config) { return runLambda(std::move(config), kProcessStart); }

}  // namespace it::app::cli
