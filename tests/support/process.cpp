#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace it::test {

Process::Process(const std::vector<std::string>& argv, const std::string& input) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  ::signal(SIGPIPE, SIG_IGN);
  if (!input.empty()) {
    ssize_t ignored = write(in[1], input.data(), input.size());
    (void)ignored;
  }
  close(in[1]);
  reader_ = std::thread([this, o = out[0], e = err[0]] { readOutput(o, e); });
}

Process::~Process() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    int st;
    waitpid(pid_, &st, 0);
  }
  if (reader_.joinable()) reader_.join();
}

void Process::readOutput(int out_fd, int err_fd) {
  int fds[2] = {out_fd, err_fd};
  while (fds[0] >= 0 || fds[1] >= 0) {
    pollfd p[2];
    int n = 0;
    for (int fd : fds) {
      if (fd >= 0) p[n++] = {fd, POLLIN, 0};
    }
    if (poll(p, n, -1) < 0) continue;
    for (int i = 0; i < n; ++i) {
      if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char buf[8192];
      ssize_t got = read(p[i].fd, buf, sizeof buf);
      bool is_out = p[i].fd == fds[0];
      if (got <= 0) {
        close(p[i].fd);
        (is_out ? fds[0] : fds[1]) = -1;
        continue;
      }
      std::lock_guard lock(mutex_);
      (is_out ? out_ : err_).append(buf, static_cast<std::size_t>(got));
      changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  output_closed_ = true;
  changed_.notify_all();
}

std::optional<std::string> Process::waitForLine(const std::string& needle, bool from_stderr,
                                                std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::optional<std::string> line;
  changed_.wait_for(lock, timeout, [&] {
    const std::string& text = from_stderr ? err_ : out_;
    auto pos = text.find(needle);
    if (pos != std::string::npos) {
      auto end = text.find('\n', pos);
      if (end != std::string::npos) {
        auto start = text.rfind('\n', pos);
        start = start == std::string::npos ? 0 : start + 1;
        line = text.substr(start, end - start);
        return true;
      }
    }
    return output_closed_;
  });
  return line;
}

void Process::signal(int sig) {
  if (sig != 0 && !status_) ::kill(pid_, sig);
}

int Process::wait() {
  if (!status_) {
    int st = 0;
    waitpid(pid_, &st, 0);
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  if (reader_.joinable()) reader_.join();
  return *status_;
}

std::string Process::out() const {
  std::lock_guard lock(mutex_);
  return out_;
}

std::string Process::err() const {
  std::lock_guard lock(mutex_);
  return err_;
}

RunResult run(const std::vector<std::string>& argv, const std::string& input) {
  Process p(argv, input);
  int code = p.wait();
  return RunResult{code, p.out(), p.err()};
}

std::string findInPath(const std::string& name) {
  const char* path_env = std::getenv("PATH");
  std::string paths = path_env != nullptr ? path_env : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= paths.size()) {
    std::size_t end = paths.find(':', start);
    if (end == std::string::npos) end = paths.size();
    std::filesystem::path candidate =
        std::filesystem::path(paths.substr(start, end - start)) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "";
}

}  // namespace it::test
