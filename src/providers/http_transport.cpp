#include "providers/http_transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "util/retry.hpp"

namespace it::providers {
namespace {

struct CallState {
  OutboundResponse response;
  std::size_t max_bytes = 0;
  bool too_large = false;
};

std::size_t onBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* state = static_cast<CallState*>(user);
  std::size_t len = size * n;
  if (state->response.body.size() + len > state->max_bytes) {
    state->too_large = true;
    return 0;  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
  }
  state->response.body.append(data, len);
  return len;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t n, void* user) {
  auto* state = static_cast<CallState*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    // A new status line (after a 100 Continue, say): only the final response's headers count.
    state->response.headers.clear();
    return line.size();
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  state->response.headers.emplace_back(std::move(name), std::string(value));
  return line.size();
}

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
  std::string text(value);
  std::time_t when = curl_getdate(text.c_str(), nullptr);
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

// The share handle keeps one connection pool, DNS cache and TLS session cache for all the
// easy handles of this transport; libcurl asks us to lock each kind of shared data.
struct CurlTransport::Impl {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->locks[static_cast<std::size_t>(data)].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->locks[static_cast<std::size_t>(data)].unlock();
  }
};

CurlTransport::CurlTransport(Options options) : options_(options), impl_(new Impl) {
  initCurlOnce();
  impl_->share = curl_share_init();
  if (impl_->share == nullptr) {
    delete impl_;
    throw std::runtime_error("curl_share_init failed");
  }
  curl_share_setopt(impl_->share, CURLSHOPT_LOCKFUNC, &Impl::lock);
  curl_share_setopt(impl_->share, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
  curl_share_setopt(impl_->share, CURLSHOPT_USERDATA, impl_);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(impl_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

CurlTransport::~CurlTransport() {
  // Every easy handle is cleaned up at the end of its send(), so the share is unused here.
  curl_share_cleanup(impl_->share);
  delete impl_;
}

TransportResult CurlTransport::send(const OutboundRequest& request) {
  TransportResult result;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    result.error = "curl_easy_init failed";
    return result;
  }
  CallState state;
  state.max_bytes = options_.max_response_bytes;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};

  curl_easy_setopt(curl, CURLOPT_SHARE, impl_->share);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  if (const char* ca = curlCaBundle()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_response_bytes));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever this libcurl can decode
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer.data());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &onBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &onHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (request.method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  curl_slist* headers = nullptr;
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  // No 100-continue round trip: bodies here are small.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);

  if (state.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    result.error = "response larger than " + std::to_string(options_.max_response_bytes) + " bytes";
  } else if (rc != CURLE_OK) {
    result.error = error_buffer[0] != '\0' ? std::string(error_buffer.data())
                                           : std::string(curl_easy_strerror(rc));
  } else {
    state.response.status = status;
    result.response = std::move(state.response);
  }
  return result;
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

}  // namespace it::providers
