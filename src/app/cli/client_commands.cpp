#include "app/cli/client_commands.hpp"

#include <unistd.h>

#include <chrono>
#include <iostream>

#include "app/cli/command_support.hpp"
#include "app/cli/transfer_all.hpp"
#include "client/api_client.hpp"
#include "client/export_command.hpp"
#include "client/movie_command.hpp"
#include "client/terminal.hpp"
#include "net/curl_client.hpp"
#include "util/env.hpp"

namespace it::app::cli {
namespace {

// Adds --server, --user and --token to `command`.
void addLoginFlags(CLI::App& command, LoginFlags& flags) {
  command.add_option("--server", flags.server,
                     "Server URL (or IMMERSION_TRACKER_API_URL; default http://127.0.0.1:8080)");
  command.add_option("--user", flags.user,
                     "User name (or IMMERSION_TRACKER_USER; the password comes from "
                     "IMMERSION_TRACKER_PASSWORD)");
  command.add_option("--token", flags.token,
                     "API token instead of a password (or IMMERSION_TRACKER_TOKEN)");
}

// The sync client's login: flags, then the original script's environment variables.
client::ServerLogin clientLogin(const LoginFlags& flags) {
  client::ServerLogin login;
  login.url = !flags.server.empty()
                  ? flags.server
                  : envVar("IMMERSION_TRACKER_API_URL").value_or("http://127.0.0.1:8080");
  login.user = !flags.user.empty() ? flags.user : envVar("IMMERSION_TRACKER_USER").value_or("");
  login.token = !flags.token.empty() ? flags.token : envVar("IMMERSION_TRACKER_TOKEN").value_or("");
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

// Runs `command` (api, console → exit code) against the server of `login`, on the terminal.
template <class Command>
int runClient(const client::ServerLogin& login, Command command) {
  // Syncs wait for the providers on the server; give them time.
  net::CurlTransport transport(net::CurlTransport::Options{
      .connect_timeout = std::chrono::seconds(10), .total_timeout = std::chrono::minutes(10)});
  client::ApiClient api(login, transport);
  // Everything printed goes through the filter: names and errors come from the server.
  client::TerminalSafeStream out(std::cout);
  client::TerminalSafeStream err(std::cerr);
  std::ostream* tied = std::cin.tie(&out);  // a prompt is shown before input is read
  client::Console console{std::cin, out, err, isatty(STDIN_FILENO) == 1};
  int code = command(api, console);
  std::cin.tie(tied);
  return code;
}

}  // namespace

SyncCommand::SyncCommand(CLI::App& app)
    : Subcommand(
          app, "sync",
          "Sync the watched files of ./shows, ./movies and ./watched.txt, then delete them") {
  CLI::App& sync = command();
  addLoginFlags(sync, login_);
  sync.add_option("--dir", dir_, "Folder with shows/, movies/ and watched.txt (default .)");
  sync.add_flag("--non-interactive", options_.non_interactive,
                "Ask nothing: untagged shows stay untagged, movies are kept for later");
  sync.add_flag("--dry-run", options_.dry_run,
                "Show what would be synced and deleted, and change nothing");
  sync.add_flag("--spotify-backfill", options_.spotify_backfill,
                "For each Spotify episode, also record the earlier episodes of its show")
      ->envname("IMMERSION_TRACKER_SPOTIFY_BACKFILL");
}

int SyncCommand::run() {
  options_.dir = dir_;
  return runClient(clientLogin(login_), [this](client::ApiClient& api, client::Console& console) {
    return client::runSync(api, options_, console);
  });
}

MovieCommands::MovieCommands(CLI::App& app)
    : Subcommand(app, "movie", "Movies watched without a file (a cinema, a streaming service)") {
  command().require_subcommand(1);
  add_ = command().add_subcommand(
      "add", "Record a movie watched elsewhere, by its TMDB id (at noon of that day)");
  addLoginFlags(*add_, login_);
  add_->add_option("tmdb-id", tmdb_id_,
                   "The movie's TMDB id (the number in its themoviedb.org URL)")
      ->required()
      ->check(CLI::PositiveNumber);
  add_->add_option("--watched-on", watched_on_,
                   "The day it was watched, YYYY-MM-DD (default today)");
}

int MovieCommands::add() {
  return runClient(clientLogin(login_), [this](client::ApiClient& api, client::Console& console) {
    return client::runMovieAdd(api, tmdb_id_, watched_on_, console);
  });
}

LogCommand::LogCommand(CLI::App& app)
    : Subcommand(app, "log",
                 "Log immersion outside synced files: log 45m book \"Title\" [--amount 30 "
                 "--unit pages]; log --undo removes the last one") {
  CLI::App& log = command();
  addLoginFlags(log, login_);
  log.add_option("duration", request_.duration, "How long: 45, 45m, 1h or 1h30m");
  log.add_option("medium", request_.medium,
                 "anime, tv, movie, youtube, podcast, audiobook, listening, book, manga, "
                 "visual_novel, reading, game or other");
  log.add_option("title", request_.title, "What it was (optional)");
  log.add_option("--amount", request_.amount, "How much, in --unit")->check(CLI::PositiveNumber);
  log.add_option("--unit", request_.unit, "episodes, pages, characters, chapters or volumes");
  log.add_option("--language", request_.language,
                 "Its language, such as ja (default: your language setting)");
  log.add_option("--date", request_.date, "The day, YYYY-MM-DD (default today)");
  log.add_option("--note", request_.note, "A note");
  log.add_flag("--undo", undo_, "Remove the log recorded last instead");
}

int LogCommand::run() {
  const bool any_field = !request_.duration.empty() || !request_.medium.empty() || request_.title ||
                         request_.amount || request_.unit || request_.language || request_.date ||
                         request_.note;
  if (undo_ && any_field) throw CommandError("--undo takes nothing else");
  if (!undo_ && (request_.duration.empty() || request_.medium.empty())) {
    throw CommandError(
        "log needs a duration and a medium, e.g. immersion-tracker log 45m book \"Title\"");
  }
  return runClient(clientLogin(login_), [this](client::ApiClient& api, client::Console& console) {
    return undo_ ? client::runUndoLog(api, console) : client::runLog(api, request_, console);
  });
}

LogsCommand::LogsCommand(CLI::App& app)
    : Subcommand(app, "logs", "List your most recent immersion logs") {
  addLoginFlags(command(), login_);
  command()
      .add_option("--limit", limit_, "How many (default 20, at most 500)")
      ->check(CLI::Range(1, 500));
}

int LogsCommand::run() {
  return runClient(clientLogin(login_), [this](client::ApiClient& api, client::Console& console) {
    return client::runLogs(api, limit_, console);
  });
}

ExportCommand::ExportCommand(CLI::App& app)
    : Subcommand(app, "export",
                 "Write your whole history (TV progress, synced items, logs, settings) as JSON "
                 "or CSV") {
  addLoginFlags(command(), login_);
  command()
      .add_option("--format", format_, "json (everything, default) or csv (items and logs)")
      ->check(CLI::IsMember({"json", "csv"}));
  command().add_option("--output,-o", output_, "Write to this file instead of standard output");
  command().add_flag("--all", all_,
                     "Every user of the configured store (--config, --data-dir, --store), with "
                     "their password hashes and tokens, one JSON document per line: an operator's "
                     "move to another store (import --all)");
}

namespace {

// The login flags name a server; --all reads a store.
void refuseLoginWithAll(const LoginFlags& login) {
  if (!login.server.empty() || !login.user.empty() || !login.token.empty()) {
    throw CommandError(
        "--all reads the store of the configuration (--config, --data-dir, --store), not a "
        "server: leave out --server, --user and --token");
  }
}

}  // namespace

int ExportCommand::runEveryUser(const Config& config, storage::Store& store) {
  refuseLoginWithAll(login_);
  if (format_ != "json") throw CommandError("--all writes JSON only; leave out --format csv");
  return exportEveryUser(config, store, output_, std::cout);
}

int ExportCommand::run() {
  return runClient(clientLogin(login_), [this](client::ApiClient& api, client::Console& console) {
    // Exact bytes to a file or a pipe; on a terminal, through the filter as everything else.
    std::ostream& destination = isatty(STDOUT_FILENO) == 1 ? console.out : std::cout;
    return client::runExport(api, format_, output_, destination);
  });
}

ImportCommand::ImportCommand(CLI::App& app)
    : Subcommand(app, "import",
                 "Add an export (immersion-tracker export) to your account; twice adds nothing") {
  addLoginFlags(command(), login_);
  command().add_option("file", file_, "The export, a JSON file")->required();
  command().add_flag("--all", all_,
                     "The file is an export of every user (export --all): recreate them, with "
                     "their passwords and tokens, in the configured store");
}

int ImportCommand::runEveryUser(const Config& config, storage::Store& store) {
  refuseLoginWithAll(login_);
  return importEveryUser(config, store, file_, std::cout, isatty(STDOUT_FILENO) == 1);
}

int ImportCommand::run() {
  return runClient(clientLogin(login_), [this](client::ApiClient& api, client::Console& console) {
    return client::runImport(api, file_, console.out, isatty(STDOUT_FILENO) == 1);
  });
}

ProgressCommand::ProgressCommand(CLI::App& app)
    : Subcommand(app, "progress", "Print the progress summary") {
  addLoginFlags(command(), login_);
}

int ProgressCommand::run() {
  return runClient(clientLogin(login_), [](client::ApiClient& api, client::Console& console) {
    client::runProgress(api, console);
    return 0;
  });
}

}  // namespace it::app::cli
