#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace it {

// A fixed pool of threads for blocking work (password hashing, scans, outbound HTTP), so the
// I/O threads never wait on it. Tasks must not throw. The destructor runs what is queued,
// then joins. Thread-safe.
class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::function<void()> task);
  // Queues `task` unless `max_waiting` tasks already wait for a thread; false when it did not.
  bool tryPost(std::function<void()> task, std::size_t max_waiting);

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace it
