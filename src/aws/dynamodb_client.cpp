#include "aws/dynamodb_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "util/retry.hpp"

namespace it::aws {

// Test seams of the curl transport, declared where they are used (tests/unit/aws_test.cpp):
// a fixed X-Amz-Date (curl signs a user-supplied one, which reproduces the SigV4 test
// vector) and a CURLOPT_CONNECT_TO entry (so the signed Host can be a real AWS name while
// the bytes go to a local server).
struct CurlAwsTransportTestHooks {
  std::string amz_date;
  std::string connect_to;
};
std::unique_ptr<AwsJsonTransport> makeCurlAwsTransportForTest(CurlAwsTransportTestHooks hooks);

namespace {

constexpr std::size_t kMaxResponseBytes = 64 * 1024 * 1024;  // BatchGetItem peaks at 16 MB

struct Sink {
  std::string body;
  bool too_large = false;
};

std::size_t onBody(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  std::size_t len = size * n;
  if (sink->body.size() + len > kMaxResponseBytes) {
    sink->too_large = true;
    return 0;  // makes libcurl abort the transfer
  }
  sink->body.append(data, len);
  return len;
}

// Each call takes an easy handle from a pool and gives it back reset: the handle keeps its
// connections (and TLS sessions) alive, so consecutive calls to AWS skip the handshakes, and
// no handle is used by two threads at once. curl signs each perform with the current time
// (external-apis.md §4.5).
class CurlAwsTransport : public AwsJsonTransport {
 public:
  explicit CurlAwsTransport(CurlAwsTransportTestHooks hooks) : hooks_(std::move(hooks)) {
    initCurlOnce();
  }
  ~CurlAwsTransport() override {
    for (CURL* curl : idle_) curl_easy_cleanup(curl);
  }
  CurlAwsTransport(const CurlAwsTransport&) = delete;
  CurlAwsTransport& operator=(const CurlAwsTransport&) = delete;

  Answer post(const AwsConfig& config, std::string_view endpoint, std::string_view service,
              std::string_view target, std::string_view content_type,
              const std::string& body) override {
    Answer answer;
    CURL* curl = takeHandle();
    if (curl == nullptr) {
      answer.transport_error = "curl_easy_init failed";
      return answer;
    }
    std::string url(endpoint);
    while (url.ends_with('/')) url.pop_back();
    url += '/';
    std::string sigv4 = "aws:amz:" + config.region + ":" + std::string(service);
    Sink sink;
    std::array<char, CURL_ERROR_SIZE> error_buffer{};

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    if (const char* ca = curlCaBundle()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer.data());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, config.credentials.access_key_id.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config.credentials.secret_access_key.c_str());
    // curl 7.88 hashes only POSTFIELDS for the signature; a read callback would sign "".
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));

    // Every header here is signed; none may be value-less ("Expect:") in curl 7.88, whose
    // signer would list it without sending it.
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Content-Type: " + std::string(content_type)).c_str());
    headers = curl_slist_append(headers, ("X-Amz-Target: " + std::string(target)).c_str());
    if (!config.credentials.session_token.empty()) {
      headers = curl_slist_append(
          headers, ("X-Amz-Security-Token: " + config.credentials.session_token).c_str());
    }
    if (!hooks_.amz_date.empty()) {
      headers = curl_slist_append(headers, ("X-Amz-Date: " + hooks_.amz_date).c_str());
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_slist* connect_to = nullptr;
    if (!hooks_.connect_to.empty()) {
      connect_to = curl_slist_append(connect_to, hooks_.connect_to.c_str());
      curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to);
    }

    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_slist_free_all(connect_to);
    giveBack(curl);

    if (sink.too_large) {
      answer.transport_error =
          "response larger than " + std::to_string(kMaxResponseBytes) + " bytes";
    } else if (rc != CURLE_OK) {
      answer.transport_error = error_buffer[0] != '\0' ? std::string(error_buffer.data())
                                                       : std::string(curl_easy_strerror(rc));
    } else {
      answer.transport_ok = true;
      answer.status = status;
      answer.body = std::move(sink.body);
    }
    return answer;
  }

 private:
  CURL* takeHandle() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        CURL* curl = idle_.back();
        idle_.pop_back();
        return curl;
      }
    }
    return curl_easy_init();
  }
  void giveBack(CURL* curl) {
    curl_easy_reset(curl);  // options only: live connections and caches stay
    std::lock_guard lock(mutex_);
    idle_.push_back(curl);
  }

  CurlAwsTransportTestHooks hooks_;
  std::mutex mutex_;
  std::vector<CURL*> idle_;
};

bool isRetryableCode(std::string_view code) {
  static constexpr std::array<std::string_view, 8> kRetryable = {
      "ProvisionedThroughputExceededException",
      "ThrottlingException",
      "RequestLimitExceeded",
      "LimitExceededException",
      "InternalServerError",
      "TransactionConflictException",
      "TransactionInProgressException",
      "ItemCollectionSizeLimitExceededException",
  };
  return std::find(kRetryable.begin(), kRetryable.end(), code) != kRetryable.end();
}

// The codes of a TransactionCanceledException's CancellationReasons, in order.
std::vector<std::string> cancellationReasons(const boost::json::object& error) {
  std::vector<std::string> codes;
  const auto* reasons = error.if_contains("CancellationReasons");
  if (reasons == nullptr || !reasons->is_array()) return codes;
  for (const auto& reason : reasons->get_array()) {
    std::string code = "None";
    if (reason.is_object()) {
      if (const auto* c = reason.get_object().if_contains("Code"); c != nullptr && c->is_string()) {
        code = std::string(c->get_string());
      }
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

// A cancelled transaction is worth another go only when it lost a race or was throttled;
// a failed condition or a validation error would fail the same way again.
bool isRetryableCancellation(const std::vector<std::string>& reasons) {
  bool any = false;
  for (const auto& code : reasons) {
    if (code == "None") continue;
    if (code != "TransactionConflict" && code != "ThrottlingError") return false;
    any = true;
  }
  return any;
}

struct Failure {
  std::string code;
  std::string message;
  long status = 0;
  bool retryable = false;
  std::vector<std::string> cancellation_reasons;
};

Failure classify(const AwsJsonTransport::Answer& answer) {
  Failure failure;
  failure.status = answer.status;
  boost::json::object error;
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(answer.body, ec);
  if (!ec && parsed.is_object()) error = std::move(parsed.get_object());
  std::string_view type;
  if (const auto* t = error.if_contains("__type"); t != nullptr && t->is_string()) {
    type = t->get_string();
  }
  if (!type.empty()) {
    auto hash = type.rfind('#');
    failure.code = std::string(hash == std::string_view::npos ? type : type.substr(hash + 1));
  } else {
    failure.code = answer.status >= 500 ? "ServiceUnavailable" : "UnknownError";
  }
  for (const char* key : {"message", "Message"}) {
    if (const auto* m = error.if_contains(key); m != nullptr && m->is_string()) {
      failure.message = std::string(m->get_string());
      break;
    }
  }
  if (failure.message.empty()) {
    failure.message = "HTTP " + std::to_string(answer.status) + " " + answer.body.substr(0, 200);
  }
  if (failure.code == "TransactionCanceledException") {
    failure.cancellation_reasons = cancellationReasons(error);
  }
  failure.retryable = answer.status >= 500 || isRetryableCode(failure.code) ||
                      isRetryableCancellation(failure.cancellation_reasons);
  return failure;
}

std::chrono::milliseconds jitteredBackoff(const AwsRetryPolicy& policy, int retry_index) {
  return fullJitterBackoff(policy.initial_backoff, policy.max_backoff, retry_index);
}

}  // namespace

std::unique_ptr<AwsJsonTransport> makeCurlAwsTransport() {
  return std::make_unique<CurlAwsTransport>(CurlAwsTransportTestHooks{});
}

std::unique_ptr<AwsJsonTransport> makeCurlAwsTransportForTest(CurlAwsTransportTestHooks hooks) {
  return std::make_unique<CurlAwsTransport>(std::move(hooks));
}

DynamoDbClient::DynamoDbClient(AwsConfig config, AwsJsonTransport& transport, AwsRetryPolicy retry)
    : config_(std::move(config)), transport_(transport), retry_(retry) {}

boost::json::object DynamoDbClient::call(std::string_view operation,
                                         const boost::json::object& request) {
  const std::string target = "DynamoDB_20120810." + std::string(operation);
  const std::string body = boost::json::serialize(request);
  const int attempts = std::max(retry_.max_attempts, 1);
  for (int attempt = 1;; ++attempt) {
    AwsJsonTransport::Answer answer = transport_.post(
        config_, config_.dynamodb_endpoint, "dynamodb", target, "application/x-amz-json-1.0", body);
    Failure failure;
    if (!answer.transport_ok) {
      failure = {"TransportError", answer.transport_error, 0, true, {}};
    } else if (answer.status >= 200 && answer.status < 300) {
      if (answer.body.empty()) return {};
      boost::system::error_code ec;
      boost::json::value parsed = boost::json::parse(answer.body, ec);
      if (ec || !parsed.is_object()) {
        throw AwsError("InvalidResponse",
                       std::string(operation) + " answered with a body that is not a JSON object",
                       answer.status);
      }
      return std::move(parsed.get_object());
    } else {
      failure = classify(answer);
    }
    if (!failure.retryable || attempt >= attempts) {
      throw AwsError(std::move(failure.code), std::move(failure.message), failure.status,
                     std::move(failure.cancellation_reasons));
    }
    auto wait = jitteredBackoff(retry_, attempt - 1);
    if (wait > std::chrono::milliseconds::zero()) std::this_thread::sleep_for(wait);
  }
}

}  // namespace it::aws
