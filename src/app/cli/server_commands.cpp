#include "app/cli/server_commands.hpp"

#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "app/cli/command_support.hpp"
#include "app/lambda_command.hpp"
#include "app/private_files.hpp"
#include "app/secrets.hpp"
#include "app/service.hpp"
#include "auth/passwords.hpp"
#include "storage/store.hpp"
#include "telemetry/log.hpp"

namespace it::app::cli {
namespace {

// When this process started (static initialisation runs before main), for the Lambda cold start.
const auto kProcessStart = std::chrono::steady_clock::now();

// glibc's malloc hands a freed block of more than 128 KiB back to the kernel (an mmap of its own,
// or a trim of the heap's top), so a large answer that is built and freed on every request, such
// as /progress for 100,000 items (several MiB), had its pages faulted in again each time: most of
// that request's median. Up to 64 MiB of freed memory is now kept for reuse; the idle server's
// footprint is unchanged, since nothing large is allocated before the first such request.
void keepFreedMemoryForReuse() {
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

// Where the first admin's password is left when no terminal can show it.
std::filesystem::path firstPasswordFile(const Config& config) {
  return std::filesystem::path(config.data_dir) / "first-admin-password.txt";
}

// When the store has no users at all, creates "admin" with a random password and shows it
// once, so a first-time user can sign in: on the terminal, or, when stderr is no terminal (a
// service manager, a container's log, which others may read), in a file of the data directory
// only this user may read, whose path is shown and logged. Returns what to add to the
// dashboard line, or nothing when no admin was created.
std::optional<std::string> ensureFirstAdmin(storage::Store& store, const Config& config) {
  if (!store.listUsers().empty()) return std::nullopt;
  std::string password = auth::randomPassword();
  storage::UserRecord admin{"admin", auth::hashPassword(password), true, timestampNow()};
  if (!store.addUser(admin)) return std::nullopt;  // another process created it first
  if (isatty(STDERR_FILENO) == 1) {
    std::fprintf(stderr,
                 "Created the first user \"admin\" with password: %s\n"
                 "It is shown only this once. Change it with: immersion-tracker user passwd "
                 "admin\n",
                 password.c_str());
    std::fflush(stderr);
    return " (sign in as \"admin\" with the password above)";
  }
  std::filesystem::path file = firstPasswordFile(config);
  if (!writePrivateFile(file.string(), password + "\n")) {
    telemetry::logError("first admin created, but its password could not be written",
                        file.string());
    std::fprintf(stderr,
                 "Created the first user \"admin\", but could not write its password to %s; "
                 "set one with: immersion-tracker user passwd admin\n",
                 file.c_str());
    return std::string();
  }
  telemetry::logInfo("first admin created", {{"password_file", file.string()}});
  std::fprintf(stderr,
               "Created the first user \"admin\"; its password is in %s (readable by this user "
               "only). Delete the file once you have it, and change the password with: "
               "immersion-tracker user passwd admin\n",
               file.c_str());
  std::fflush(stderr);
  return " (sign in as \"admin\" with the password in " + file.string() + ")";
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
  keepFreedMemoryForReuse();
  telemetry::configureLogging(config.log_level, /*buffered=*/true);
  warnIfOthersMayRead(config.config_file, "config");
  warnIfOthersMayRead(config.secrets_file, "secrets_file");
  auto secret = loadServiceSecret(config);
  if (secret) applyProviderCredentials(*secret, config);
  SystemClock clock;
  Service service(config, clock, /*handle_signals=*/true);
  if (secret) {
    int changed = syncSecretUsers(*secret, service.store());
    telemetry::logInfo("secret loaded", {{"users", std::to_string(secret->users.size())},
                                         {"users_added_or_updated", std::to_string(changed)}});
  }
  std::optional<std::string> first_admin = ensureFirstAdmin(service.store(), config);
  service.start();
  std::string address = hostAndPort(config.host, service.port());
  telemetry::logInfo("listening", {{"address", address}, {"data_dir", config.data_dir}});
  std::fprintf(stderr, "The dashboard is at %s%s\n",
               dashboardUrl(config.host, service.port()).c_str(), first_admin.value_or("").c_str());
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
