#include "net/curl_client.hpp"

#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/curl_library.hpp"

namespace it::net {
namespace {

// The CA certificates file for TLS, or null for libcurl's built-in one: CURL_CA_BUNDLE when
// set (the curl tool's variable, which the library itself ignores), else Amazon Linux's
// bundle where Debian's file is missing (on Lambda, as Debian's libcurl knows only Debian's
// path).
const char* caBundle() {
  static const std::string bundle = [] {
    if (const char* set = std::getenv("CURL_CA_BUNDLE"); set != nullptr && *set != '\0') {
      return std::string(set);
    }
    if (::access("/etc/ssl/certs/ca-certificates.crt", R_OK) != 0 &&
        ::access("/etc/pki/tls/certs/ca-bundle.crt", R_OK) == 0) {
      return std::string("/etc/pki/tls/certs/ca-bundle.crt");
    }
    return std::string();
  }();
  return bundle.empty() ? nullptr : bundle.c_str();
}

struct CallState {
  OutboundResponse response;
  std::size_t max_bytes = 0;  // 0: no limit
  bool too_large = false;
};

std::size_t onBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* state = static_cast<CallState*>(user);
  std::size_t len = size * n;
  if (state->max_bytes != 0 && state->response.body.size() + len > state->max_bytes) {
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

// CURLOPT_XFERINFOFUNCTION: passes the upload's progress on to the request's callback.
int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t upload_total, curl_off_t uploaded) {
  const auto& progress = *static_cast<const UploadProgress*>(user);
  try {
    progress(static_cast<std::uint64_t>(uploaded), static_cast<std::uint64_t>(upload_total));
  } catch (...) {
    return 1;  // nothing may unwind through libcurl: the call fails instead
  }
  return 0;
}

// Where the answer goes, the limits and the callbacks of one call.
void setTransferOptions(const CurlLibrary& lib, CURL* curl, const OutboundRequest& request,
                        const CurlCallOptions& options, CallState& state, char* error_buffer) {
  lib.easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  if (const char* ca = caBundle()) lib.easy_setopt(curl, CURLOPT_CAINFO, ca);
  lib.easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  lib.easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                  static_cast<long>(options.connect_timeout.count()));
  lib.easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  if (options.max_response_bytes != 0) {
    lib.easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                    static_cast<curl_off_t>(options.max_response_bytes));
  }
  if (options.accept_compressed) lib.easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  lib.easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  lib.easy_setopt(curl, CURLOPT_WRITEFUNCTION, &onBody);
  lib.easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  lib.easy_setopt(curl, CURLOPT_HEADERFUNCTION, &onHeader);
  lib.easy_setopt(curl, CURLOPT_HEADERDATA, &state);
  if (request.upload_progress) {  // curl_easy_reset turns it off again for the next call
    lib.easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    lib.easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &onProgress);
    lib.easy_setopt(curl, CURLOPT_XFERINFODATA,
                    const_cast<void*>(static_cast<const void*>(&request.upload_progress)));
  }
}

// The method, the body (not copied by libcurl: it must outlive the call) and the signature.
void setMethodAndBody(const CurlLibrary& lib, CURL* curl, const OutboundRequest& request,
                      const std::optional<SigV4Signing>& sigv4) {
  if (request.method == "GET") {
    lib.easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (request.method != "POST") {
      lib.easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    // libcurl 7.88 hashes only POSTFIELDS for a signature; a read callback would sign "".
    lib.easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    lib.easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                    static_cast<curl_off_t>(request.body.size()));
  }
  if (sigv4) {  // libcurl copies these strings
    std::string provider = "aws:amz:" + sigv4->region + ":" + sigv4->service;
    lib.easy_setopt(curl, CURLOPT_AWS_SIGV4, provider.c_str());
    lib.easy_setopt(curl, CURLOPT_USERNAME, sigv4->access_key_id.c_str());
    lib.easy_setopt(curl, CURLOPT_PASSWORD, sigv4->secret_access_key.c_str());
  }
}

// A curl_slist freed with its owner; libcurl reads it until the call ends.
struct HeaderList {
  const CurlLibrary& lib;
  curl_slist* list = nullptr;
  explicit HeaderList(const CurlLibrary& library) : lib(library) {}
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { lib.slist_free_all(list); }
  void add(const std::string& line) { list = lib.slist_append(list, line.c_str()); }
};

// "scheme://host:port" of `url` (as much of it as comes before the path): which connections a
// handle that called it keeps.
std::string_view originOf(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  std::size_t start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  return url.substr(0, url.find_first_of("/?#", start));
}

}  // namespace

// The idle easy handles, each with the origin of its last call, and the share handle of
// Connections::kSharedSessions, for which libcurl asks us to lock each kind of shared data.
struct CurlClient::Impl {
  struct Idle {
    CURL* curl;
    std::string origin;  // of its last call
  };

  bool share_sessions = false;
  const CurlLibrary* lib = nullptr;  // set with the first handle; libcurl is loaded by then
  CURLSH* share = nullptr;           // made with the first handle when share_sessions
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  std::mutex idle_mutex;
  std::vector<Idle> idle;  // the most recently used last

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->locks[static_cast<std::size_t>(data)].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->locks[static_cast<std::size_t>(data)].unlock();
  }

  // The most recently used idle handle that last called `origin` (its connection there is the
  // likeliest to be open still), else the most recently used one, else a new one (the first
  // loads libcurl). Null with `error` set when libcurl cannot be loaded or makes no handle.
  CURL* takeHandle(std::string_view origin, std::string& error) {
    std::lock_guard lock(idle_mutex);
    if (!idle.empty()) {
      auto chosen = std::prev(idle.end());
      for (auto it = idle.rbegin(); it != idle.rend(); ++it) {
        if (it->origin == origin) {
          chosen = std::prev(it.base());
          break;
        }
      }
      CURL* curl = chosen->curl;
      idle.erase(chosen);
      return curl;
    }
    if (lib == nullptr && !loadLibrary(error)) return nullptr;
    CURL* curl = lib->easy_init();
    if (curl == nullptr) error = "curl_easy_init failed";
    return curl;
  }
  void giveBack(CURL* curl, std::string_view origin) {
    lib->easy_reset(curl);  // options only: live connections and caches stay
    std::lock_guard lock(idle_mutex);
    idle.push_back(Idle{curl, std::string(origin)});
  }

 private:
  // Called under idle_mutex, before the first handle exists.
  bool loadLibrary(std::string& error) {
    const CurlLibrary* loaded = curlLibrary(&error);
    if (loaded == nullptr) return false;
    if (share_sessions) {
      share = loaded->share_init();
      if (share == nullptr) {
        error = "curl_share_init failed";
        return false;
      }
      loaded->share_setopt(share, CURLSHOPT_LOCKFUNC, &Impl::lock);
      loaded->share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
      loaded->share_setopt(share, CURLSHOPT_USERDATA, this);
      loaded->share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
      loaded->share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    lib = loaded;
    return true;
  }
};

CurlClient::CurlClient(Connections connections) : impl_(std::make_unique<Impl>()) {
  impl_->share_sessions = connections == Connections::kSharedSessions;
}

CurlClient::~CurlClient() {
  // No call is running, so every handle is idle; they go first, as the share is in use while
  // a handle refers to it.
  if (impl_->lib == nullptr) return;  // never called: libcurl was not even loaded
  for (const Impl::Idle& handle : impl_->idle) impl_->lib->easy_cleanup(handle.curl);
  if (impl_->share != nullptr) impl_->lib->share_cleanup(impl_->share);
}

TransportResult CurlClient::send(const OutboundRequest& request, const CurlCallOptions& options) {
  TransportResult result;
  std::string_view origin = originOf(request.url);
  CURL* curl = impl_->takeHandle(origin, result.error);
  if (curl == nullptr) return result;
  const CurlLibrary& lib = *impl_->lib;
  CallState state;
  state.max_bytes = options.max_response_bytes;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  if (impl_->share != nullptr) lib.easy_setopt(curl, CURLOPT_SHARE, impl_->share);
  setTransferOptions(lib, curl, request, options, state, error_buffer.data());
  setMethodAndBody(lib, curl, request, options.sigv4);

  HeaderList headers(lib);
  for (const auto& h : request.headers) headers.add(h);
  // No 100-continue round trip: bodies here are small. Not when signing: every header is
  // signed, and libcurl 7.88's signer would list a value-less one without sending it.
  if (!options.sigv4) headers.add("Expect:");
  lib.easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  HeaderList connect_to(lib);
  if (!options.connect_to.empty()) {
    connect_to.add(options.connect_to);
    lib.easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to.list);
  }

  CURLcode rc = lib.easy_perform(curl);
  long status = 0;
  lib.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  impl_->giveBack(curl, origin);

  if (state.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    result.error = "response larger than " + std::to_string(options.max_response_bytes) + " bytes";
  } else if (rc != CURLE_OK) {
    result.error = error_buffer[0] != '\0' ? std::string(error_buffer.data())
                                           : std::string(lib.easy_strerror(rc));
  } else {
    state.response.status = status;
    result.response = std::move(state.response);
  }
  return result;
}

CurlTransport::CurlTransport(Options options)
    : options_{.connect_timeout = options.connect_timeout,
               .total_timeout = options.total_timeout,
               .max_response_bytes = options.max_response_bytes,
               .accept_compressed = true},
      client_(CurlClient::Connections::kSharedSessions) {}

TransportResult CurlTransport::send(const OutboundRequest& request) {
  return client_.send(request, options_);
}

}  // namespace it::net
