#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <utility>

#include "providers/outcome.hpp"
#include "util/clock.hpp"

namespace it::providers {

// A client's bearer token, reused until it expires or a call reports it rejected. Thread-safe.
// The lock is not held while a new token is fetched: two threads may both fetch one, the later
// is kept, and both work.
class TokenCache {
 public:
  // A fresh token and how long it may be used.
  using Fresh = std::pair<std::string, std::chrono::seconds>;

  explicit TokenCache(const Clock& clock) : clock_(clock) {}

  // The cached token when it is still fresh and is not `rejected`; otherwise `fetch()`'s
  // (an Outcome<Fresh>), which is then cached.
  template <class Fetch>
  Outcome<std::string> get(const std::string& rejected, Fetch fetch) {
    {
      std::lock_guard lock(mutex_);
      if (!token_.empty() && token_ != rejected && clock_.now() < expiry_) {
        return Outcome<std::string>::success(token_);
      }
    }
    Outcome<Fresh> fresh = fetch();
    if (!fresh) return Outcome<std::string>::fail(fresh.failure);
    std::lock_guard lock(mutex_);
    token_ = fresh.value->first;
    expiry_ = clock_.now() + fresh.value->second;
    return Outcome<std::string>::success(token_);
  }

 private:
  const Clock& clock_;
  std::mutex mutex_;
  std::string token_;  // guarded by mutex_, as is expiry_
  std::chrono::system_clock::time_point expiry_;
};

}  // namespace it::providers
