#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

// What the subcommands of `immersion-tracker` share.

namespace it::app::cli {

// A command that cannot do what was asked; its message is one plain sentence, which
// runCommandLine prints before exiting with 1.
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A top-level subcommand (`serve`, `user`, ...), registered on the app by the constructor of
// its class; runCommandLine asks each whether it was chosen. Not copyable: CLI11 keeps
// pointers to the fields its options fill.
class Subcommand {
 public:
  Subcommand(const Subcommand&) = delete;
  Subcommand& operator=(const Subcommand&) = delete;

  // Whether the command line named it.
  bool chosen() const { return command_->parsed(); }

 protected:
  Subcommand(CLI::App& app, const std::string& name, const std::string& description)
      : command_(app.add_subcommand(name, description)) {}
  ~Subcommand() = default;

  // Where its options and nested subcommands go (owned by the app).
  CLI::App& command() const { return *command_; }

 private:
  CLI::App* command_;
};

// The current time as the store records creation times (UTC, with microseconds).
std::string timestampNow();

// Throws CommandError unless `name` is a valid user name (the store's rule), so a typo is
// reported as such rather than as "no user named ...".
void requireValidName(const std::string& name);

}  // namespace it::app::cli
