#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace it::test {

// A child process with piped stdin, stdout and stderr, for end-to-end tests. Not thread-safe.
class Process {
 public:
  // Starts argv[0] with `argv`; `input` is written to its stdin, which is then closed.
  Process(const std::vector<std::string>& argv, const std::string& input = "");
  ~Process();  // SIGKILLs the child if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads output until a line of stdout (or stderr) contains `needle`; returns that line, or
  // nothing when the child exits or `timeout` passes first.
  std::optional<std::string> waitForLine(
      const std::string& needle, bool from_stderr = false,
      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void signal(int sig);
  // Waits for exit (reading output meanwhile); exit code, or 128 + signal number.
  int wait();
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }
  pid_t pid() const { return pid_; }

 private:
  // Reads what is available within `timeout`; false when both pipes are closed.
  bool pump(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_;
  std::string err_;
  std::optional<int> status_;
};

struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs a command to completion.
RunResult run(const std::vector<std::string>& argv, const std::string& input = "");

}  // namespace it::test
