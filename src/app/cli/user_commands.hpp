#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "app/cli/command_support.hpp"
#include "app/config.hpp"
#include "storage/store.hpp"

namespace it::app::cli {

// `user add|list|remove|passwd|set-timezone`: managing the accounts in the configured store,
// also while the server runs.
class UserCommands : public Subcommand {
 public:
  explicit UserCommands(CLI::App& app);

  // Runs the chosen subcommand on `store`; `config` gives the server's default time zone.
  // Returns 0; throws CommandError (or a store error) when it cannot.
  int run(const Config& config, storage::Store& store);

 private:
  void add(storage::Store& store);
  void list(const Config& config, storage::Store& store);
  void remove(storage::Store& store);
  void changePassword(storage::Store& store);
  void setTimeZone(const Config& config, storage::Store& store);

  CLI::App* add_;
  CLI::App* list_;
  CLI::App* remove_;
  CLI::App* passwd_;
  CLI::App* set_time_zone_;
  std::string name_;
  bool admin_ = false;
  std::string zone_;
};

}  // namespace it::app::cli
