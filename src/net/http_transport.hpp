#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace it::net {

// Told, on the sending thread, that `sent` bytes of a request's body of `total` have gone (0 of
// 0 until the transport knows the total), often while it is sent and now and then while the
// answer is awaited. Must not throw.
using UploadProgress = std::function<void(std::uint64_t sent, std::uint64_t total)>;

// One outbound HTTP request, as a plain value.
struct OutboundRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  UploadProgress upload_progress;  // optional; transports that cannot tell never call it
};

// An answer with any status, as a plain value.
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

// The one seam for outbound HTTP; the providers' clients and the sync client are built on it,
// and tests replace it with fakes. Implementations are thread-safe.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual TransportResult send(const OutboundRequest& request) = 0;
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

}  // namespace it::net
