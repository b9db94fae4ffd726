#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "http/message.hpp"

namespace it::http {

// Carries one Router answer, which may come from any thread, back to the session coroutine
// waiting for it. Owns the answer until the session takes it. When the handler answered
// synchronously the coroutine picks the response up without suspending. Thread-safe.
class PendingAnswer {
 public:
  void complete(Response r) {
    std::unique_lock lock(mutex_);
    if (waiter_) {
      auto waiter = std::move(waiter_);
      lock.unlock();
      waiter(std::move(r));
    } else {
      ready_ = std::move(r);
    }
  }

  std::optional<Response> takeReady() {
    std::lock_guard lock(mutex_);
    return std::exchange(ready_, std::nullopt);
  }

  template <typename Handler>
  void await(Handler handler) {
    auto executor = boost::asio::get_associated_executor(handler);
    auto shared = std::make_shared<Handler>(std::move(handler));
    // Resume on the coroutine's own I/O thread, never on the thread that answered.
    auto resume = [executor, shared](Response r) {
      boost::asio::post(executor,
                        [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
    };
    std::unique_lock lock(mutex_);
    if (ready_) {
      Response r = std::move(*ready_);
      ready_.reset();
      lock.unlock();
      resume(std::move(r));
      return;
    }
    waiter_ = std::move(resume);
  }

 private:
  std::mutex mutex_;
  std::optional<Response> ready_;
  std::function<void(Response)> waiter_;
};

}  // namespace it::http
