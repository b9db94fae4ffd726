#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace it::http {

// Carries one of the Router's answers (an Admission or a Response), which may come from any
// thread, back to the session coroutine waiting for it. Owns the answer until the session takes
// it. When the router answered synchronously the coroutine picks the answer up without
// suspending. Thread-safe.
template <typename Answer>
class PendingAnswer {
 public:
  void complete(Answer r) {
    std::unique_lock lock(mutex_);
    if (waiter_) {
      auto waiter = std::move(waiter_);
      lock.unlock();
      waiter(std::move(r));
    } else {
      ready_ = std::move(r);
    }
  }

  std::optional<Answer> takeReady() {
    std::lock_guard lock(mutex_);
    return std::exchange(ready_, std::nullopt);
  }

  template <typename Handler>
  void await(Handler handler) {
    auto executor = boost::asio::get_associated_executor(handler);
    auto shared = std::make_shared<Handler>(std::move(handler));
    // Resume on the coroutine's own I/O thread, never on the thread that answered.
    auto resume = [executor, shared](Answer r) {
      boost::asio::post(executor,
                        [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
    };
    std::unique_lock lock(mutex_);
    if (ready_) {
      Answer r = std::move(*ready_);
      ready_.reset();
      lock.unlock();
      resume(std::move(r));
      return;
    }
    waiter_ = std::move(resume);
  }

 private:
  std::mutex mutex_;
  std::optional<Answer> ready_;
  std::function<void(Answer)> waiter_;
};

}  // namespace it::http
