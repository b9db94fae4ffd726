#include "net/http_transport.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <thread>

#include "net/curl_library.hpp"
#include "util/retry.hpp"

namespace it::net {
namespace {

bool isRetryable(const TransportResult& result) {
  if (!result.response) return true;
  long status = result.response->status;
  return status == 429 || status >= 500;
}

// Retry-After as delta seconds or an HTTP date; nothing when it is neither.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    if (value.size() > 9) return std::chrono::milliseconds::max();  // absurdly long: the cap wins
    long seconds = 0;
    for (char c : value) seconds = seconds * 10 + (c - '0');
    return std::chrono::seconds(seconds);
  }
  const CurlLibrary* curl = curlLibrary();  // loaded already when a response came through it
  if (curl == nullptr) return std::nullopt;
  std::string text(value);
  std::time_t when = curl->getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  auto delta = std::chrono::system_clock::from_time_t(when) - std::chrono::system_clock::now();
  if (delta <= std::chrono::system_clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(delta);
}

std::chrono::milliseconds jitteredBackoff(const RetryPolicy& policy, int retry_index) {
  return fullJitterBackoff(policy.initial_backoff, policy.max_backoff, retry_index);
}

}  // namespace

std::optional<std::string_view> OutboundResponse::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return std::string_view(value);
  }
  return std::nullopt;
}

TransportResult sendWithRetry(HttpTransport& transport, const OutboundRequest& request,
                              const RetryPolicy& policy) {
  int attempts = std::max(policy.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    TransportResult result = transport.send(request);
    if (attempt >= attempts || !isRetryable(result)) return result;
    std::chrono::milliseconds wait = jitteredBackoff(policy, attempt - 1);
    if (result.response) {
      if (auto header = result.response->header("retry-after")) {
        if (auto asked = parseRetryAfter(*header)) wait = std::min(*asked, policy.max_retry_after);
      }
    }
    if (wait > std::chrono::milliseconds::zero()) std::this_thread::sleep_for(wait);
  }
}

}  // namespace it::net
