#include "app/commands.hpp"

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "app/cli/client_commands.hpp"
#include "app/cli/dynamodb_commands.hpp"
#include "app/cli/server_commands.hpp"
#include "app/cli/token_commands.hpp"
#include "app/cli/user_commands.hpp"
#include "app/config.hpp"
#include "app/service.hpp"
#include "telemetry/log.hpp"
#include "util/utf8.hpp"

namespace it::app {
namespace {

// The options before (or, with fallthrough, after) any subcommand: where the configuration
// and the data are.
void addGlobalOptions(CLI::App& app, ConfigOverrides& overrides) {
  app.add_option("--config", overrides.config_file,
                 "TOML configuration file (or IMMERSION_TRACKER_CONFIG)");
  app.add_option("--data-dir", overrides.data_dir,
                 "Directory of the SQLite database (default ./data)");
  app.add_option("--store", overrides.store,
                 "sqlite (default) or dynamodb (the originals' tables; AWS settings from the "
                 "environment)");
}

}  // namespace

int runCommandLine(int argc, char** argv) {
  CLI::App app{"immersion-tracker: TV progress and language-immersion tracking"};
  app.require_subcommand(1);
  app.fallthrough();
  ConfigOverrides overrides;
  addGlobalOptions(app, overrides);
  // Each registers itself (and its nested subcommands), in the order --help lists them.
  cli::ServeCommand serve(app, overrides);
  cli::UserCommands users(app);
  cli::TokenCommands tokens(app);
  cli::SyncCommand sync(app);
  cli::ProgressCommand progress(app);
  cli::MovieCommands movies(app);
  cli::LogCommand log(app);
  cli::LogsCommand logs(app);
  cli::ExportCommand exports(app);
  cli::ImportCommand imports(app);
  cli::LambdaCommand lambda(app);
  cli::DynamoDbCommands dynamodb(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is fine; any other mistake is a usage error
  }

  try {
    // The client and table creation need no configuration; the others load it first, and the
    // user and token commands, export --all and import --all then open its store.
    if (sync.chosen()) return sync.run();
    if (progress.chosen()) return progress.run();
    if (movies.addChosen()) return movies.add();
    if (log.chosen()) return log.run();
    if (logs.chosen()) return logs.run();
    if (exports.chosen() && !exports.everyUser()) return exports.run();
    if (imports.chosen() && !imports.everyUser()) return imports.run();
    if (dynamodb.createTablesChosen()) return dynamodb.createTables();
    Config config = loadConfig(overrides);
    if (serve.chosen()) return serve.run(config);
    if (lambda.chosen()) return lambda.run(config);
    if (dynamodb.rebuildTotalsChosen()) return dynamodb.rebuildTotals();
    telemetry::configureLogging(telemetry::LogLevel::kWarn, false);
    auto store = openStore(config);
    if (users.chosen()) return users.run(config, *store);
    if (tokens.chosen()) return tokens.run(*store);
    if (exports.chosen()) return exports.runEveryUser(config, *store);
    if (imports.chosen()) return imports.runEveryUser(config, *store);
    return 0;
  } catch (const std::exception& e) {
    // The sentence may quote the server's answer: printed without its control characters.
    std::cerr << "immersion-tracker: " << terminalSafe(e.what()) << "\n";
    return 1;
  }
}

}  // namespace it::app
