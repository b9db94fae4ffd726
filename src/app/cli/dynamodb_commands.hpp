#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "app/cli/command_support.hpp"

namespace it::app::cli {

// `dynamodb create-tables|rebuild-totals`: setting up and repairing the original services'
// DynamoDB tables (names and AWS settings from the environment).
class DynamoDbCommands : public Subcommand {
 public:
  explicit DynamoDbCommands(CLI::App& app);

  // `create-tables` reads no configuration; `rebuild-totals` runs after it was loaded (and
  // so fails on a broken one, like every admin command).
  bool createTablesChosen() const { return create_tables_->parsed(); }
  bool rebuildTotalsChosen() const { return rebuild_totals_->parsed(); }

  // Creates the missing tables, and the sample items when asked. Returns 0.
  int createTables();
  // Marks the users' progress aggregates for rebuilding, after checking every name. Returns
  // 0; throws CommandError naming an unknown user.
  int rebuildTotals();

 private:
  CLI::App* create_tables_;
  CLI::App* rebuild_totals_;
  bool sample_data_ = false;
  std::vector<std::string> rebuild_users_;
};

}  // namespace it::app::cli
