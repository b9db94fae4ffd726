#include "app/cli/dynamodb_commands.hpp"

#include <iostream>

#include "app/cli/command_support.hpp"
#include "aws/aws_config.hpp"
#include "aws/dynamodb_client.hpp"
#include "aws/tables.hpp"
#include "storage/dynamodb/dynamodb_store.hpp"

namespace it::app::cli {

DynamoDbCommands::DynamoDbCommands(CLI::App& app)
    : Subcommand(app, "dynamodb", "Manage the DynamoDB tables") {
  CLI::App& dynamodb = command();
  dynamodb.require_subcommand(1);
  create_tables_ = dynamodb.add_subcommand(
      "create-tables",
      "Create both originals' tables (IMMERSION_TRACKER_TABLE, DYNAMODB_TABLE) if missing");
  create_tables_->add_flag("--sample-data", sample_data_,
                           "Also add the original setup script's three TV-progress items");
  rebuild_totals_ = dynamodb.add_subcommand(
      "rebuild-totals",
      "Have users' progress aggregates rebuilt from their items (after the originals wrote)");
  rebuild_totals_->add_option("USER", rebuild_users_, "Users (default: every user)");
}

int DynamoDbCommands::createTables() {
  auto transport = net::makeCurlAwsTransport();
  aws::DynamoDbClient dynamodb(aws::awsConfigFromEnvironment(), *transport);
  aws::createTables(dynamodb, aws::tableNamesFromEnvironment(), sample_data_, std::cout);
  return 0;
}

int DynamoDbCommands::rebuildTotals() {
  storage::dynamodb::DynamoDbStore store(
      {aws::awsConfigFromEnvironment(), aws::tableNamesFromEnvironment(), {}});
  if (rebuild_users_.empty()) {
    for (const auto& u : store.listUsers()) rebuild_users_.push_back(u.name);
  }
  for (const auto& name : rebuild_users_) {
    if (!store.findUser(name)) throw CommandError("no user named \"" + name + "\"");
  }
  for (const auto& name : rebuild_users_) {
    store.invalidateAggregates(name);
    std::cout << "Progress aggregates of " << name << " will be rebuilt on next use\n";
  }
  return 0;
}

}  // namespace it::app::cli
