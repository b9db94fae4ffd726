#include "net/aws_json.hpp"

#include <utility>

#include "net/curl_client.hpp"
#include "util/encoding.hpp"

namespace it::net {

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

// curl signs each call with the current time, so a retried call is signed afresh.
class CurlAwsTransport final : public AwsJsonTransport {
 public:
  explicit CurlAwsTransport(CurlAwsTransportTestHooks hooks) : hooks_(std::move(hooks)) {}

  Answer post(const AwsConfig& config, std::string_view endpoint, std::string_view service,
              std::string_view target, std::string_view content_type,
              const std::string& body) override {
    OutboundRequest request;
    request.method = "POST";
    request.url = trimSlash(std::string(endpoint)) + "/";
    request.body = body;
    // Every header here is signed, the session token included.
    request.headers.push_back("Content-Type: " + std::string(content_type));
    request.headers.push_back("X-Amz-Target: " + std::string(target));
    if (!config.credentials.session_token.empty()) {
      request.headers.push_back("X-Amz-Security-Token: " + config.credentials.session_token);
    }
    if (!hooks_.amz_date.empty()) request.headers.push_back("X-Amz-Date: " + hooks_.amz_date);

    CurlCallOptions options;
    options.connect_timeout = std::chrono::milliseconds(5000);
    options.total_timeout = std::chrono::milliseconds(30000);
    options.max_response_bytes = kMaxResponseBytes;
    options.sigv4 =
        SigV4Signing{config.region, std::string(service), config.credentials.access_key_id,
                     config.credentials.secret_access_key};
    options.connect_to = hooks_.connect_to;

    TransportResult result = client_.send(request, options);
    Answer answer;
    if (!result.response) {
      answer.transport_error = std::move(result.error);
    } else {
      answer.transport_ok = true;
      answer.status = result.response->status;
      answer.body = std::move(result.response->body);
    }
    return answer;
  }

 private:
  CurlAwsTransportTestHooks hooks_;
  CurlClient client_{CurlClient::Connections::kPerHandle};
};

}  // namespace

std::unique_ptr<AwsJsonTransport> makeCurlAwsTransport() {
  return std::make_unique<CurlAwsTransport>(CurlAwsTransportTestHooks{});
}

std::unique_ptr<AwsJsonTransport> makeCurlAwsTransportForTest(CurlAwsTransportTestHooks hooks) {
  return std::make_unique<CurlAwsTransport>(std::move(hooks));
}

}  // namespace it::net
