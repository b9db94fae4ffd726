#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace it::providers {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
};

struct OutboundResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::optional<std::string_view> header(std::string_view lower_name) const;
};

// A response with any status, or (when `response` is empty) why none came back.
struct TransportResult {
  std::optional<OutboundResponse> response;
  std::string error;  // transport failure: "connection refused", "timed out after 10 s", ...
};

// The one seam for outbound HTTP; the providers' clients are built on it. Implementations are
// thread-safe.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual TransportResult send(const OutboundRequest& request) = 0;
};

// libcurl, one easy handle per call; all calls of one transport share a connection pool, DNS
// cache and TLS session cache through a mutex-guarded CURLSH handle, so keep-alive connections
// are reused across threads. TLS verified, http/https only, no redirects followed, a connect
// and a total timeout on every call, responses larger than max_response_bytes cut off as an
// error. curl_global_init runs once, when the first transport is built. Thread-safe.
class CurlTransport final : public HttpTransport {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds total_timeout{10000};
    std::size_t max_response_bytes = 16 * 1024 * 1024;
  };
  explicit CurlTransport(Options options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;
  TransportResult send(const OutboundRequest& request) override;

 private:
  struct Impl;
  Options options_;
  Impl* impl_;
};

// When to try a call again: transport errors, 5xx and 429. Other statuses are final. With the
// transport's 10 s per attempt, the defaults bound one lookup to about half a minute, after
// which a sync reports the item failed (and skips the provider for the rest of the request).
struct RetryPolicy {
  int max_attempts = 3;                            // including the first
  std::chrono::milliseconds initial_backoff{250};  // doubled after every attempt, with jitter
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::milliseconds max_retry_after{10000};  // a longer Retry-After is capped to this
};

// Sends `request`, retrying as `policy` says with exponential backoff and full jitter (a 429's
// Retry-After, in seconds or as an HTTP date, replaces the backoff, capped). Blocks the calling
// thread while waiting, so call it from a worker thread only. Returns the last result.
TransportResult sendWithRetry(HttpTransport& transport, const OutboundRequest& request,
                              const RetryPolicy& policy);

}  // namespace it::providers
