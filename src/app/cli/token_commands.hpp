#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "app/cli/command_support.hpp"
#include "storage/store.hpp"

namespace it::app::cli {

// `token create|list|revoke`: the API tokens a user's scripts log in with instead of a
// password.
class TokenCommands : public Subcommand {
 public:
  explicit TokenCommands(CLI::App& app);

  // Runs the chosen subcommand on `store`. Returns 0; throws CommandError (or a store error)
  // when it cannot.
  int run(storage::Store& store);

 private:
  void create(storage::Store& store);
  void list(storage::Store& store);
  void revoke(storage::Store& store);

  CLI::App* create_;
  CLI::App* list_;
  CLI::App* revoke_;
  std::string name_;
  std::string label_;
  std::string token_id_;
  bool all_tokens_ = false;
};

}  // namespace it::app::cli
