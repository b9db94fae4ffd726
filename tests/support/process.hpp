#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace it::test {

// A child process with piped stdin, stdout and stderr, for end-to-end tests. A background
// thread keeps reading its output, so a chatty child never blocks on a full pipe. The
// methods are meant for one test thread.
class Process {
 public:
  // Starts argv[0] with `argv`; `input` is written to its stdin, which is then closed.
  Process(const std::vector<std::string>& argv, const std::string& input = "");
  ~Process();  // SIGKILLs the child if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Waits until a line of stdout (or stderr) contains `needle`; returns that line, or nothing
  // when the child closes its output or `timeout` passes first.
  std::optional<std::string> waitForLine(
      const std::string& needle, bool from_stderr = false,
      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void signal(int sig);
  // Waits for exit and for the end of its output; exit code, or 128 + signal number.
  int wait();
  std::string out() const;
  std::string err() const;
  pid_t pid() const { return pid_; }

 private:
  void readOutput(int out_fd, int err_fd);

  pid_t pid_ = -1;
  std::optional<int> status_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string out_;
  std::string err_;
  bool output_closed_ = false;
  std::thread reader_;
};

struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

// The full path of executable `name` found in PATH, or "" when there is none.
std::string findInPath(const std::string& name);

// Runs a command to completion.
RunResult run(const std::vector<std::string>& argv, const std::string& input = "");

}  // namespace it::test
