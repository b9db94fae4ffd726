#pragma once

#include <CLI/CLI.hpp>

#include "app/cli/command_support.hpp"
#include "app/config.hpp"

// The subcommands that run the service: `serve` (the HTTP server) and `lambda` (the AWS
// Lambda custom runtime). runCommandLine runs the one chosen with the loaded configuration.

namespace it::app::cli {

// `serve`: its flags fill `overrides` (they take precedence over the environment and file).
class ServeCommand : public Subcommand {
 public:
  ServeCommand(CLI::App& app, ConfigOverrides& overrides);

  // Loads the secret (if any), creates the first admin of an empty store, then serves until
  // SIGINT or SIGTERM. Returns the exit code.
  int run(Config config);
};

// `lambda`: the function's bootstrap.
class LambdaCommand : public Subcommand {
 public:
  explicit LambdaCommand(CLI::App& app);

  // Answers Lambda events until the runtime ends the process. Returns the exit code.
  int run(Config config);
};

}  // namespace it::app::cli
