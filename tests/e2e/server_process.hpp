#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/process.hpp"

namespace it::test {

// `immersion-tracker serve` as a child process on a free port, with its data in `data_dir`.
// Ready once it has logged its "listening" line (no sleeping for readiness).
struct ServerProcess {
  std::unique_ptr<Process> process;
  int port = 0;

  static ServerProcess start(const std::string& data_dir,
                             const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> argv{IT_BINARY, "serve",    "--data-dir",
                                  data_dir,  "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    return launch(std::move(argv));
  }

  // Runs `argv` (a `serve` listening on port 0) and waits for its "listening" line.
  static ServerProcess launch(std::vector<std::string> argv) {
    ServerProcess s;
    s.process = std::make_unique<Process>(argv);
    auto line = s.process->waitForLine("\"listening\"");
    if (!line) {
      ADD_FAILURE() << "server did not start; stderr: " << s.process->err();
      return s;
    }
    std::smatch m;
    std::regex address("\"address\":\"127\\.0\\.0\\.1:([0-9]+)\"");
    if (std::regex_search(*line, m, address)) s.port = std::stoi(m[1]);
    EXPECT_GT(s.port, 0) << *line;
    return s;
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

// Runs the CLI with `args` against `data_dir`.
inline RunResult cli(const std::string& data_dir, std::vector<std::string> args,
                     const std::string& input = "") {
  std::vector<std::string> argv{IT_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--data-dir");
  argv.push_back(data_dir);
  return run(argv, input);
}

}  // namespace it::test
