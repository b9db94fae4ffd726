#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "app/cli/command_support.hpp"
#include "app/config.hpp"
#include "client/log_command.hpp"
#include "client/sync_command.hpp"
#include "storage/store.hpp"

// `sync`, `progress`, `movie add`, `log`, `logs`, `export` and `import`: the client of a running
// server (local or remote), as the original sync script was. They read no configuration file; the
// server and login come from flags or the script's environment variables. Each run returns its exit
// code, and throws CommandError for a missing login or client::ClientError when it cannot go on.
// The exception: `export --all` and `import --all`, an operator's (app/cli/transfer_all.hpp),
// read the configuration and open its store, as `user` does.

namespace it::app::cli {

// The flags of both that say where the server is and who logs in.
struct LoginFlags {
  std::string server;
  std::string user;
  std::string token;
};

// `sync`: syncs the watched files of a folder, then deletes them.
class SyncCommand : public Subcommand {
 public:
  explicit SyncCommand(CLI::App& app);

  int run();

 private:
  LoginFlags login_;
  std::string dir_ = ".";
  client::SyncOptions options_;
};

// `movie add <tmdb-id> [--watched-on YYYY-MM-DD]`: records a movie watched without a file.
class MovieCommands : public Subcommand {
 public:
  explicit MovieCommands(CLI::App& app);

  bool addChosen() const { return add_->parsed(); }
  int add();

 private:
  LoginFlags login_;
  CLI::App* add_;
  std::int64_t tmdb_id_ = 0;
  std::optional<std::string> watched_on_;
};

// `log <duration> <medium> [title] [--amount N --unit U] [--language L] [--date D] [--note T]`
// records a manual log; `log --undo` removes the one recorded last.
class LogCommand : public Subcommand {
 public:
  explicit LogCommand(CLI::App& app);

  int run();

 private:
  LoginFlags login_;
  client::LogRequest request_;
  bool undo_ = false;
};

// `logs [--limit N]`: prints the most recent logs as a table.
class LogsCommand : public Subcommand {
 public:
  explicit LogsCommand(CLI::App& app);

  int run();

 private:
  LoginFlags login_;
  int limit_ = 20;
};

// `export [--format json|csv] [--output FILE]`: writes the caller's whole history.
// `export --all [--output FILE]`: every user's, from the store (runEveryUser).
class ExportCommand : public Subcommand {
 public:
  explicit ExportCommand(CLI::App& app);

  bool everyUser() const { return all_; }
  int run();
  int runEveryUser(const Config& config, storage::Store& store);

 private:
  LoginFlags login_;
  std::string format_ = "json";
  std::optional<std::string> output_;
  bool all_ = false;
};

// `import FILE`: an export into the caller's account.
// `import --all FILE`: an export of every user into the store (runEveryUser).
class ImportCommand : public Subcommand {
 public:
  explicit ImportCommand(CLI::App& app);

  bool everyUser() const { return all_; }
  int run();
  int runEveryUser(const Config& config, storage::Store& store);

 private:
  LoginFlags login_;
  std::string file_;
  bool all_ = false;
};

// `progress`: prints the progress summary.
class ProgressCommand : public Subcommand {
 public:
  explicit ProgressCommand(CLI::App& app);

  int run();

 private:
  LoginFlags login_;
};

}  // namespace it::app::cli
