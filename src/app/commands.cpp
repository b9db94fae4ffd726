#include "app/commands.hpp"

#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "app/config.hpp"
#include "app/lambda_command.hpp"
#include "app/secrets.hpp"
#include "app/service.hpp"
#include "auth/passwords.hpp"
#include "aws/aws_config.hpp"
#include "aws/dynamodb_client.hpp"
#include "aws/tables.hpp"
#include "client/api_client.hpp"
#include "client/sync_command.hpp"
#include "domain/names.hpp"
#include "domain/time_zone.hpp"
#include "net/curl_client.hpp"
#include "storage/dynamodb/dynamodb_store.hpp"
#include "storage/store.hpp"
#include "telemetry/log.hpp"
#include "util/env.hpp"
#include "util/time_format.hpp"

namespace it::app {
namespace {

// When this process started (static initialisation runs before main), for the Lambda cold start.
const auto kProcessStart = std::chrono::steady_clock::now();

// A command that cannot do what was asked; its message is one plain sentence.
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string now() { return formatUtcMicros(std::chrono::system_clock::now()); }

void requireValidName(const std::string& name) {
  if (!domain::isValidUsername(name)) {
    throw CommandError("invalid user name \"" + name +
                       "\": use 1-64 letters, digits, '_', '-' or '.'");
  }
}

std::string readLineNoEcho(const char* prompt) {
  std::fputs(prompt, stderr);
  std::fflush(stderr);
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fputs("\n", stderr);
  if (!ok) throw CommandError("no password was entered");
  return line;
}

// From a terminal: asks twice without echo. Otherwise: the first line of standard input.
std::string readNewPassword() {
  std::string password;
  if (isatty(STDIN_FILENO)) {
    password = readLineNoEcho("Password: ");
    if (readLineNoEcho("Repeat password: ") != password) {
      throw CommandError("the two passwords differ; nothing was changed");
    }
  } else {
    if (!std::getline(std::cin, password)) {
      throw CommandError("no password on standard input (pipe one line, or run in a terminal)");
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  if (password.empty()) throw CommandError("the password must not be empty");
  if (password.size() > 1024) throw CommandError("the password must be at most 1024 bytes");
  return password;
}

// When the store has no users at all, creates "admin" with a random password and prints it
// once, so a first-time user can log in.
void ensureFirstAdmin(storage::Store& store) {
  if (!store.listUsers().empty()) return;
  std::string password = auth::randomPassword();
  storage::UserRecord admin{"admin", auth::hashPassword(password), true, now()};
  if (!store.addUser(admin)) return;  // another process created it first
  std::fprintf(stderr,
               "Created the first user \"admin\" with password: %s\n"
               "It is shown only this once. Change it with: immersion-tracker user passwd "
               "admin\n",
               password.c_str());
  std::fflush(stderr);
}

int serve(Config config) {
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
  ensureFirstAdmin(service.store());
  service.start();
  std::string address =
      (config.host.find(':') != std::string::npos ? "[" + config.host + "]" : config.host) + ":" +
      std::to_string(service.port());
  telemetry::logInfo("listening", {{"address", address}, {"data_dir", config.data_dir}});
  service.wait();
  telemetry::logInfo("stopped");
  telemetry::shutdownLogging();
  return 0;
}

// The sync client's login: flags, then the original script's environment variables.
client::ServerLogin clientLogin(const std::string& server, const std::string& user,
                                const std::string& token) {
  client::ServerLogin login;
  login.url = !server.empty()
                  ? server
                  : envVar("IMMERSION_TRACKER_API_URL").value_or("http://127.0.0.1:8080");
  login.user = !user.empty() ? user : envVar("IMMERSION_TRACKER_USER").value_or("");
  login.token = !token.empty() ? token : envVar("IMMERSION_TRACKER_TOKEN").value_or("");
  login.password = envVar("IMMERSION_TRACKER_PASSWORD").value_or("");
  if (login.url.rfind("http://", 0) != 0 && login.url.rfind("https://", 0) != 0) {
    throw CommandError("the server URL must start with http:// or https:// (got \"" + login.url +
                       "\")");
  }
  if (login.token.empty()) {
    if (login.user.empty()) {
      throw CommandError(
          "IMMERSION_TRACKER_USER is not set (or give --user, or a token with --token)");
    }
    if (login.password.empty()) {
      throw CommandError(
          "IMMERSION_TRACKER_PASSWORD is not set (or give a token with --token or "
          "IMMERSION_TRACKER_TOKEN)");
    }
  }
  return login;
}

int runClient(const client::ServerLogin& login, const client::SyncOptions* sync) {
  // Syncs wait for the providers on the server; give them time.
  net::CurlTransport transport(net::CurlTransport::Options{
      .connect_timeout = std::chrono::seconds(10), .total_timeout = std::chrono::minutes(10)});
  client::ApiClient api(login, transport);
  client::Console console{std::cin, std::cout, std::cerr, isatty(STDIN_FILENO) == 1};
  if (sync == nullptr) {
    client::runProgress(api, console);
    return 0;
  }
  return client::runSync(api, *sync, console);
}

}  // namespace

int runCommandLine(int argc, char** argv) {
  CLI::App app{"immersion-tracker: TV progress and language-immersion tracking"};
  app.require_subcommand(1);
  app.fallthrough();
  ConfigOverrides overrides;
  app.add_option("--config", overrides.config_file,
                 "TOML configuration file (or IMMERSION_TRACKER_CONFIG)");
  app.add_option("--data-dir", overrides.data_dir,
                 "Directory of the SQLite database (default ./data)");
  app.add_option("--store", overrides.store,
                 "sqlite (default) or dynamodb (the originals' tables; AWS settings from the "
                 "environment)");

  auto* serve_cmd = app.add_subcommand("serve", "Run the HTTP server");
  serve_cmd->add_option("--listen", overrides.listen,
                        "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks one)");
  serve_cmd->add_option("--log-level", overrides.log_level, "debug, info, warn, error or off");
  serve_cmd->add_option("--time-zone", overrides.time_zone,
                        "Default time zone for progress statistics (default: the machine's)");
  serve_cmd->add_option("--secrets-file", overrides.secrets_file,
                        "The original's JSON secret (users, provider credentials) from a file");
  serve_cmd->add_option("--secret-id", overrides.secret_id,
                        "The same from AWS Secrets Manager, e.g. immersion_tracker_api");
  serve_cmd->add_option("--metrics", overrides.metrics,
                        "Also send request metrics to CloudWatch: none, cloudwatch-emf (log "
                        "lines) or cloudwatch (PutMetricData)");

  auto* user_cmd = app.add_subcommand("user", "Manage users");
  user_cmd->require_subcommand(1);
  std::string name;
  bool admin = false;
  auto* user_add = user_cmd->add_subcommand(
      "add", "Add a user; the password is read from stdin or asked for in a terminal");
  user_add->add_option("NAME", name, "User name")->required();
  user_add->add_flag("--admin", admin, "May act for every user and read /api/show_all");
  auto* user_list = user_cmd->add_subcommand("list", "List users");
  auto* user_remove =
      user_cmd->add_subcommand("remove", "Remove a user with their tokens and data");
  user_remove->add_option("NAME", name, "User name")->required();
  auto* user_passwd = user_cmd->add_subcommand("passwd", "Set a user's password");
  user_passwd->add_option("NAME", name, "User name")->required();
  std::string zone;
  auto* user_zone = user_cmd->add_subcommand(
      "set-timezone", "Set the time zone a user's progress statistics are computed in");
  user_zone->add_option("NAME", name, "User name")->required();
  user_zone
      ->add_option("ZONE", zone,
                   "A tz database name such as Pacific/Auckland, or \"default\" for the "
                   "server's time_zone")
      ->required();

  auto* token_cmd = app.add_subcommand("token", "Manage API tokens");
  token_cmd->require_subcommand(1);
  std::string label;
  std::string token_id;
  bool all_tokens = false;
  auto* token_create =
      token_cmd->add_subcommand("create", "Create an API token for a user and print it once");
  token_create->add_option("NAME", name, "User name")->required();
  token_create->add_option("--label", label, "What the token is for");
  auto* token_list = token_cmd->add_subcommand("list", "List a user's tokens");
  token_list->add_option("NAME", name, "User name")->required();
  auto* token_revoke = token_cmd->add_subcommand("revoke", "Revoke a token (or all of them)");
  token_revoke->add_option("NAME", name, "User name")->required();
  token_revoke->add_option("ID", token_id, "Token id, as shown by `token list`");
  token_revoke->add_flag("--all", all_tokens, "Revoke all of the user's tokens");

  std::string server;
  std::string client_user;
  std::string token;
  client::SyncOptions sync_options;
  std::string sync_dir = ".";
  auto* sync_cmd = app.add_subcommand(
      "sync", "Sync the watched files of ./shows, ./movies and ./watched.txt, then delete them");
  auto* progress_cmd = app.add_subcommand("progress", "Print the progress summary");
  for (auto* cmd : {sync_cmd, progress_cmd}) {
    cmd->add_option("--server", server,
                    "Server URL (or IMMERSION_TRACKER_API_URL; default http://127.0.0.1:8080)");
    cmd->add_option("--user", client_user,
                    "User name (or IMMERSION_TRACKER_USER; the password comes from "
                    "IMMERSION_TRACKER_PASSWORD)");
    cmd->add_option("--token", token,
                    "API token instead of a password (or IMMERSION_TRACKER_TOKEN)");
  }
  sync_cmd->add_option("--dir", sync_dir,
                       "Folder with shows/, movies/ and watched.txt (default .)");
  sync_cmd->add_flag("--non-interactive", sync_options.non_interactive,
                     "Ask nothing: untagged shows stay untagged, movies are kept for later");
  sync_cmd->add_flag("--dry-run", sync_options.dry_run,
                     "Show what would be synced and deleted, and change nothing");

  auto* lambda_cmd = app.add_subcommand(
      "lambda", "Run as an AWS Lambda custom runtime (the function's bootstrap)");

  auto* dynamodb_cmd = app.add_subcommand("dynamodb", "Manage the DynamoDB tables");
  dynamodb_cmd->require_subcommand(1);
  bool sample_data = false;
  auto* create_tables = dynamodb_cmd->add_subcommand(
      "create-tables",
      "Create both originals' tables (IMMERSION_TRACKER_TABLE, DYNAMODB_TABLE) if missing");
  create_tables->add_flag("--sample-data", sample_data,
                          "Also add the original setup script's three TV-progress items");
  std::vector<std::string> rebuild_users;
  auto* rebuild_totals = dynamodb_cmd->add_subcommand(
      "rebuild-totals",
      "Have users' progress aggregates rebuilt from their items (after the originals wrote)");
  rebuild_totals->add_option("USER", rebuild_users, "Users (default: every user)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is fine; any other mistake is a usage error
  }

  try {
    if (sync_cmd->parsed() || progress_cmd->parsed()) {
      sync_options.dir = sync_dir;
      return runClient(clientLogin(server, client_user, token),
                       sync_cmd->parsed() ? &sync_options : nullptr);
    }
    if (create_tables->parsed()) {
      auto transport = net::makeCurlAwsTransport();
      aws::DynamoDbClient dynamodb(aws::awsConfigFromEnvironment(), *transport);
      aws::createTables(dynamodb, aws::tableNamesFromEnvironment(), sample_data, std::cout);
      return 0;
    }
    Config config = loadConfig(overrides);
    if (serve_cmd->parsed()) return serve(config);
    if (lambda_cmd->parsed()) return runLambda(config, kProcessStart);
    if (rebuild_totals->parsed()) {
      storage::dynamodb::DynamoDbStore store(
          {aws::awsConfigFromEnvironment(), aws::tableNamesFromEnvironment(), {}});
      if (rebuild_users.empty()) {
        for (const auto& u : store.listUsers()) rebuild_users.push_back(u.name);
      }
      for (const auto& name : rebuild_users) {
        if (!store.findUser(name)) throw CommandError("no user named \"" + name + "\"");
      }
      for (const auto& name : rebuild_users) {
        store.invalidateAggregates(name);
        std::cout << "Progress aggregates of " << name << " will be rebuilt on next use\n";
      }
      return 0;
    }

    telemetry::configureLogging(telemetry::LogLevel::kWarn, false);
    auto store = openStore(config);

    if (user_add->parsed()) {
      requireValidName(name);
      if (store->findUser(name)) throw CommandError("user \"" + name + "\" already exists");
      std::string password = readNewPassword();
      if (!store->addUser({name, auth::hashPassword(password), admin, now()})) {
        throw CommandError("user \"" + name + "\" already exists");
      }
      std::cout << "Added " << (admin ? "admin " : "user ") << name << "\n";
    } else if (user_list->parsed()) {
      auto users = store->listUsers();
      if (users.empty()) std::cout << "No users.\n";
      for (const auto& u : users) {
        auto own_zone = store->userTimeZone(u.name);
        std::cout << u.name << (u.admin ? "\tadmin" : "\tuser") << "\tcreated " << u.created_at
                  << "\ttime zone " << (own_zone ? *own_zone : config.time_zone + " (default)")
                  << "\n";
      }
    } else if (user_remove->parsed()) {
      requireValidName(name);
      if (!store->removeUser(name)) throw CommandError("no user named \"" + name + "\"");
      std::cout << "Removed user " << name << " with their tokens and data\n";
    } else if (user_passwd->parsed()) {
      requireValidName(name);
      if (!store->findUser(name)) throw CommandError("no user named \"" + name + "\"");
      std::string password = readNewPassword();
      if (!store->setPasswordHash(name, auth::hashPassword(password))) {
        throw CommandError("no user named \"" + name + "\"");
      }
      std::cout << "Changed the password of " << name << "\n";
    } else if (user_zone->parsed()) {
      requireValidName(name);
      bool clear = zone == "default";
      if (!clear && domain::findTimeZone(zone) == nullptr) {
        throw CommandError("\"" + zone +
                           "\" is not a time zone of the tz database (e.g. Pacific/Auckland, "
                           "Europe/Berlin, UTC)");
      }
      if (!store->setUserTimeZone(name, clear ? "" : zone)) {
        throw CommandError("no user named \"" + name + "\"");
      }
      std::cout << "Progress of " << name << " is now computed in "
                << (clear ? config.time_zone + " (the server's default)" : zone) << "\n";
    } else if (token_create->parsed()) {
      requireValidName(name);
      if (!store->findUser(name)) throw CommandError("no user named \"" + name + "\"");
      auth::NewToken t = auth::generateToken();
      store->addToken({t.id, name, label, now()}, t.hash);
      std::cout << t.token << "\n";
      std::cerr << "Token " << t.id << " created for " << name
                << ". It is shown only this once; send it as: Authorization: Bearer <token>\n";
    } else if (token_list->parsed()) {
      requireValidName(name);
      auto tokens = store->listTokens(name);
      if (tokens.empty()) std::cout << "No tokens for " << name << ".\n";
      for (const auto& t : tokens) {
        std::cout << t.id << "\tcreated " << t.created_at << (t.label.empty() ? "" : "\t")
                  << t.label << "\n";
      }
    } else if (token_revoke->parsed()) {
      requireValidName(name);
      if (token_id.empty() == !all_tokens) {
        throw CommandError("give either a token ID or --all");
      }
      int n = store->revokeTokens(name, all_tokens ? "" : token_id);
      if (n == 0 && !all_tokens) {
        throw CommandError("no token " + token_id + " for user \"" + name + "\"");
      }
      std::cout << "Revoked " << n << (n == 1 ? " token" : " tokens") << " of " << name << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "immersion-tracker: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace it::app
