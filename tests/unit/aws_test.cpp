#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aws/aws_config.hpp"
#include "aws/dynamodb_client.hpp"
#include "support/moto_server.hpp"
#include "support/temp_dir.hpp"

namespace it::net {
// Test seams of the curl transport, defined in src/net/aws_json.cpp.
struct CurlAwsTransportTestHooks {
  std::string amz_date;
  std::string connect_to;
};
std::unique_ptr<AwsJsonTransport> makeCurlAwsTransportForTest(CurlAwsTransportTestHooks hooks);
}  // namespace it::net

namespace {

namespace json = boost::json;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using it::aws::AwsConfigError;
using it::aws::AwsError;
using it::aws::AwsRetryPolicy;
using it::aws::DynamoDbClient;
using it::net::AwsConfig;
using it::net::AwsJsonTransport;
using Env = std::map<std::string, std::string>;

void writeFile(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string configErrorOf(const Env& env) {
  try {
    it::aws::awsConfigFrom(env);
  } catch (const AwsConfigError& e) {
    return e.what();
  }
  return "";
}

// ---------------------------------------------------------------------------------------
// Configuration

TEST(AwsConfigTest, ReadsEnvironmentVariablesAndDefaultsEndpoints) {
  it::test::TempDir home;
  AwsConfig config = it::aws::awsConfigFrom({{"HOME", home.path()},
                                             {"AWS_REGION", "eu-west-1"},
                                             {"AWS_ACCESS_KEY_ID", "AKID"},
                                             {"AWS_SECRET_ACCESS_KEY", "SECRET"}});
  EXPECT_EQ(config.region, "eu-west-1");
  EXPECT_EQ(config.credentials.access_key_id, "AKID");
  EXPECT_EQ(config.credentials.secret_access_key, "SECRET");
  EXPECT_EQ(config.credentials.session_token, "");
  EXPECT_EQ(config.dynamodb_endpoint, "https://dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(config.secretsmanager_endpoint, "https://secretsmanager.eu-west-1.amazonaws.com");
  EXPECT_EQ(config.monitoring_endpoint, "https://monitoring.eu-west-1.amazonaws.com");
}

TEST(AwsConfigTest, SessionTokenComesFromTheEnvironment) {
  AwsConfig config = it::aws::awsConfigFrom({{"AWS_DEFAULT_REGION", "us-east-1"},
                                             {"AWS_ACCESS_KEY_ID", "ASIA"},
                                             {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                                             {"AWS_SESSION_TOKEN", "TOKEN"}});
  EXPECT_EQ(config.credentials.session_token, "TOKEN");
}

TEST(AwsConfigTest, RegionPrecedenceIsAwsRegionThenDefaultRegionThenConfigFile) {
  it::test::TempDir home;
  writeFile(std::filesystem::path(home.path()) / ".aws/config",
            "[default]\nregion = ap-northeast-1\n");
  Env env{{"HOME", home.path()}, {"AWS_ACCESS_KEY_ID", "a"}, {"AWS_SECRET_ACCESS_KEY", "s"}};
  EXPECT_EQ(it::aws::awsConfigFrom(env).region, "ap-northeast-1");
  env["AWS_DEFAULT_REGION"] = "us-west-2";
  EXPECT_EQ(it::aws::awsConfigFrom(env).region, "us-west-2");
  env["AWS_REGION"] = "eu-central-1";
  EXPECT_EQ(it::aws::awsConfigFrom(env).region, "eu-central-1");
  EXPECT_EQ(it::aws::awsConfigFrom(env).dynamodb_endpoint,
            "https://dynamodb.eu-central-1.amazonaws.com");
}

TEST(AwsConfigTest, ReadsCredentialsAndRegionFromTheSharedFiles) {
  it::test::TempDir home;
  writeFile(std::filesystem::path(home.path()) / ".aws/credentials",
            "# comment\n"
            "[default]\n"
            "aws_access_key_id = DEFAULTKEY\n"
            "aws_secret_access_key = DEFAULTSECRET\n"
            "\n"
            "[work]\n"
            "aws_access_key_id=WORKKEY\n"
            "aws_secret_access_key=WORK/SECRET+=\n"
            "aws_session_token = WORKTOKEN\n");
  writeFile(std::filesystem::path(home.path()) / ".aws/config",
            "[default]\n"
            "region = us-east-2\n"
            "[profile work]\n"
            "region = eu-north-1\n"
            "s3 =\n"
            "  region = nowhere-1\n");
  AwsConfig config = it::aws::awsConfigFrom({{"HOME", home.path()}});
  EXPECT_EQ(config.region, "us-east-2");
  EXPECT_EQ(config.credentials.access_key_id, "DEFAULTKEY");
  EXPECT_EQ(config.credentials.secret_access_key, "DEFAULTSECRET");
  EXPECT_EQ(config.credentials.session_token, "");

  AwsConfig work = it::aws::awsConfigFrom({{"HOME", home.path()}, {"AWS_PROFILE", "work"}});
  EXPECT_EQ(work.region, "eu-north-1");
  EXPECT_EQ(work.credentials.access_key_id, "WORKKEY");
  EXPECT_EQ(work.credentials.secret_access_key, "WORK/SECRET+=");
  EXPECT_EQ(work.credentials.session_token, "WORKTOKEN");
  EXPECT_EQ(work.dynamodb_endpoint, "https://dynamodb.eu-north-1.amazonaws.com");
}

TEST(AwsConfigTest, EnvironmentCredentialsWinOverTheFile) {
  it::test::TempDir home;
  writeFile(std::filesystem::path(home.path()) / ".aws/credentials",
            "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n"
            "aws_session_token = FILETOKEN\n");
  AwsConfig config = it::aws::awsConfigFrom({{"HOME", home.path()},
                                             {"AWS_REGION", "us-east-1"},
                                             {"AWS_ACCESS_KEY_ID", "ENVKEY"},
                                             {"AWS_SECRET_ACCESS_KEY", "ENVSECRET"}});
  EXPECT_EQ(config.credentials.access_key_id, "ENVKEY");
  EXPECT_EQ(config.credentials.secret_access_key, "ENVSECRET");
  EXPECT_EQ(config.credentials.session_token, "");
}

TEST(AwsConfigTest, FileLocationsCanBeOverridden) {
  it::test::TempDir dir;
  auto creds = std::filesystem::path(dir.path()) / "elsewhere/creds";
  auto conf = std::filesystem::path(dir.path()) / "elsewhere/conf";
  writeFile(creds, "[default]\naws_access_key_id = K\naws_secret_access_key = S\n");
  writeFile(conf, "[default]\nregion = sa-east-1\n");
  AwsConfig config = it::aws::awsConfigFrom({{"HOME", dir.path()},
                                             {"AWS_SHARED_CREDENTIALS_FILE", creds.string()},
                                             {"AWS_CONFIG_FILE", conf.string()}});
  EXPECT_EQ(config.region, "sa-east-1");
  EXPECT_EQ(config.credentials.access_key_id, "K");
}

TEST(AwsConfigTest, ServiceSpecificEndpointsWinOverTheGeneralOne) {
  Env env{{"AWS_REGION", "us-east-1"},
          {"AWS_ACCESS_KEY_ID", "a"},
          {"AWS_SECRET_ACCESS_KEY", "s"},
          {"AWS_ENDPOINT_URL", "http://127.0.0.1:5055/"}};
  AwsConfig general = it::aws::awsConfigFrom(env);
  EXPECT_EQ(general.dynamodb_endpoint, "http://127.0.0.1:5055");
  EXPECT_EQ(general.secretsmanager_endpoint, "http://127.0.0.1:5055");
  EXPECT_EQ(general.monitoring_endpoint, "http://127.0.0.1:5055");

  env["AWS_ENDPOINT_URL_DYNAMODB"] = "http://localhost:8000";
  env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "https://secrets.example.com//";
  env["AWS_ENDPOINT_URL_CLOUDWATCH"] = "http://127.0.0.1:4566";
  AwsConfig specific = it::aws::awsConfigFrom(env);
  EXPECT_EQ(specific.dynamodb_endpoint, "http://localhost:8000");
  EXPECT_EQ(specific.secretsmanager_endpoint, "https://secrets.example.com");
  EXPECT_EQ(specific.monitoring_endpoint, "http://127.0.0.1:4566");
}

TEST(AwsConfigTest, MissingRegionOrCredentialsOrBadEndpointIsAnError) {
  it::test::TempDir home;  // no ~/.aws at all
  EXPECT_EQ(
      configErrorOf(
          {{"HOME", home.path()}, {"AWS_ACCESS_KEY_ID", "a"}, {"AWS_SECRET_ACCESS_KEY", "s"}}),
      "AWS region is not set: set AWS_REGION (or AWS_DEFAULT_REGION)");
  EXPECT_EQ(configErrorOf({{"HOME", home.path()}, {"AWS_REGION", "us-east-1"}}),
            "AWS credentials are not set: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
            "configure ~/.aws/credentials");
  // Half the pair is not credentials either.
  EXPECT_NE(configErrorOf(
                {{"HOME", home.path()}, {"AWS_REGION", "us-east-1"}, {"AWS_ACCESS_KEY_ID", "a"}}),
            "");
  // A profile that the file does not have.
  writeFile(std::filesystem::path(home.path()) / ".aws/credentials",
            "[default]\naws_access_key_id = K\naws_secret_access_key = S\n");
  EXPECT_NE(
      configErrorOf({{"HOME", home.path()}, {"AWS_REGION", "us-east-1"}, {"AWS_PROFILE", "nope"}}),
      "");

  Env env{{"AWS_REGION", "us-east-1"},
          {"AWS_ACCESS_KEY_ID", "a"},
          {"AWS_SECRET_ACCESS_KEY", "s"},
          {"AWS_ENDPOINT_URL_DYNAMODB", "localhost:8000"}};
  EXPECT_NE(configErrorOf(env).find("AWS_ENDPOINT_URL_DYNAMODB"), std::string::npos);
  env.erase("AWS_ENDPOINT_URL_DYNAMODB");
  env["AWS_ENDPOINT_URL"] = "ftp://example.com";
  EXPECT_NE(configErrorOf(env).find("AWS_ENDPOINT_URL"), std::string::npos);
}

// ---------------------------------------------------------------------------------------
// SigV4 through the curl transport, against a one-request local HTTP server

struct CapturedRequest {
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Accepts one connection on a loopback port, records its request and answers `reply`.
class OneShotServer {
 public:
  explicit OneShotServer(std::string reply = "{}")
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), reply_(std::move(reply)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotServer() {
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  // Waits for the one request to be served.
  const CapturedRequest& request() {
    if (thread_.joinable()) thread_.join();
    return captured_;
  }

 private:
  void serve() {
    boost::system::error_code ec;
    asio::ip::tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    if (ec) return;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::read(socket, buffer, req, ec);
    if (ec) return;
    captured_.target = std::string(req.target());
    for (const auto& field : req) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      captured_.headers[name] = std::string(field.value());
    }
    captured_.body = req.body();
    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::content_type, "application/x-amz-json-1.0");
    res.body() = reply_;
    res.prepare_payload();
    http::write(socket, res, ec);
    socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::string reply_;
  CapturedRequest captured_;
  std::thread thread_;
};

std::string signatureOf(const std::string& authorization) {
  auto at = authorization.find("Signature=");
  return at == std::string::npos ? "" : authorization.substr(at + 10);
}

TEST(SigV4Test, CurlTransportReproducesTheReferenceVector) {
  OneShotServer server;
  // The signed Host must be the vector's AWS name (port 80 is left out of it), while the
  // connection goes to the local server.
  auto transport = it::net::makeCurlAwsTransportForTest(
      {"20150830T123600Z",
       "dynamodb.us-east-1.amazonaws.com:80:127.0.0.1:" + std::to_string(server.port())});
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  config.dynamodb_endpoint = "http://dynamodb.us-east-1.amazonaws.com";
  DynamoDbClient client(config, *transport);
  json::object answer = client.call("DescribeTable", {{"TableName", "Immersion"}});
  EXPECT_TRUE(answer.empty());

  const CapturedRequest& req = server.request();
  EXPECT_EQ(req.target, "/");
  EXPECT_EQ(req.body, R"({"TableName":"Immersion"})");
  EXPECT_EQ(req.headers.at("host"), "dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(req.headers.at("content-type"), "application/x-amz-json-1.0");
  EXPECT_EQ(req.headers.at("x-amz-target"), "DynamoDB_20120810.DescribeTable");
  EXPECT_EQ(req.headers.at("x-amz-date"), "20150830T123600Z");
  const std::string& auth = req.headers.at("authorization");
  EXPECT_EQ(auth,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
            "Signature=0f7250ae9ad52dfc057453ca65bd6b56a838728ef25bd6b5f3df1130ddab64b5");
  EXPECT_EQ(signatureOf(auth), "0f7250ae9ad52dfc057453ca65bd6b56a838728ef25bd6b5f3df1130ddab64b5");
}

TEST(SigV4Test, SessionTokenIsSentAndSignedAndNothingUnsignedIsListed) {
  OneShotServer server(R"({"TableNames":[]})");
  auto transport = it::net::makeCurlAwsTransport();
  AwsConfig config;
  config.region = "eu-west-1";
  config.credentials = {"ASIATEST", "secret", "the-session-token"};
  config.dynamodb_endpoint = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  DynamoDbClient client(config, *transport);
  json::object answer = client.call("ListTables", {});
  EXPECT_TRUE(answer.at("TableNames").is_array());

  const CapturedRequest& req = server.request();
  EXPECT_EQ(req.target, "/");
  EXPECT_EQ(req.body, "{}");
  EXPECT_EQ(req.headers.at("x-amz-security-token"), "the-session-token");
  EXPECT_EQ(req.headers.count("expect"), 0U);
  const std::string& auth = req.headers.at("authorization");
  EXPECT_TRUE(auth.starts_with("AWS4-HMAC-SHA256 Credential=ASIATEST/")) << auth;
  EXPECT_NE(auth.find("/eu-west-1/dynamodb/aws4_request, "), std::string::npos) << auth;
  EXPECT_NE(auth.find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"
                      "x-amz-target, "),
            std::string::npos)
      << auth;
  EXPECT_EQ(signatureOf(auth).size(), 64U);
  // The date curl generated is the one it signed with: the scope's day matches it.
  const std::string& date = req.headers.at("x-amz-date");
  ASSERT_EQ(date.size(), 16U);
  EXPECT_NE(auth.find("/" + date.substr(0, 8) + "/eu-west-1/"), std::string::npos);
}

TEST(SigV4Test, ConnectionFailureIsATransportError) {
  int port = 0;
  {
    asio::io_context io;  // a port the kernel hands out, closed again before the call
    asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }
  auto transport = it::net::makeCurlAwsTransport();
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = {"a", "s", ""};
  config.dynamodb_endpoint = "http://127.0.0.1:" + std::to_string(port);
  DynamoDbClient client(config, *transport,
                        {2, std::chrono::milliseconds(1), std::chrono::milliseconds(1)});
  try {
    client.call("ListTables", {});
    FAIL() << "expected AwsError";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "TransportError");
    EXPECT_EQ(e.httpStatus(), 0);
    EXPECT_FALSE(e.message().empty());
  }
}

// ---------------------------------------------------------------------------------------
// Retries, with a scripted transport

class ScriptedTransport : public AwsJsonTransport {
 public:
  explicit ScriptedTransport(std::vector<Answer> script) : script_(std::move(script)) {}
  Answer post(const AwsConfig&, std::string_view endpoint, std::string_view service,
              std::string_view target, std::string_view content_type,
              const std::string& body) override {
    std::lock_guard lock(mutex_);
    last_ = {std::string(endpoint), std::string(service), std::string(target),
             std::string(content_type), body};
    std::size_t i = std::min<std::size_t>(calls_, script_.size() - 1);
    ++calls_;
    return script_[i];
  }
  int calls() const { return calls_; }
  std::vector<std::string> last() const { return last_; }

 private:
  std::mutex mutex_;
  std::vector<Answer> script_;
  int calls_ = 0;
  std::vector<std::string> last_;
};

AwsJsonTransport::Answer reply(long status, std::string body) {
  return {true, "", status, std::move(body)};
}

AwsJsonTransport::Answer errorReply(long status, const std::string& code,
                                    const std::string& extra = "") {
  return reply(status, R"({"__type":"com.amazonaws.dynamodb.v20120810#)" + code +
                           R"(","message":"scripted")" + extra + "}");
}

AwsConfig fakeConfig() {
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = {"test", "test", ""};
  config.dynamodb_endpoint = "http://dynamodb.invalid";
  return config;
}

const AwsRetryPolicy kFast{4, std::chrono::milliseconds(1), std::chrono::milliseconds(1)};

AwsError callError(DynamoDbClient& client, std::string_view op = "PutItem") {
  try {
    client.call(op, {{"TableName", "T"}});
  } catch (const AwsError& e) {
    return e;
  }
  ADD_FAILURE() << "expected AwsError";
  return AwsError("", "", 0);
}

TEST(DynamoDbRetryTest, SendsTheJsonProtocolRequest) {
  ScriptedTransport transport({reply(200, "")});
  DynamoDbClient client(fakeConfig(), transport, kFast);
  EXPECT_TRUE(client.call("GetItem", {{"TableName", "T"}}).empty());
  EXPECT_EQ(
      transport.last(),
      (std::vector<std::string>{"http://dynamodb.invalid", "dynamodb", "DynamoDB_20120810.GetItem",
                                "application/x-amz-json-1.0", R"({"TableName":"T"})"}));
}

TEST(DynamoDbRetryTest, ThrottlingThenSuccess) {
  ScriptedTransport transport({errorReply(400, "ProvisionedThroughputExceededException"),
                               reply(400, R"({"__type":"com.amazon.coral.availability#)"
                                          R"(ThrottlingException","Message":"slow down"})"),
                               reply(200, R"({"Item":{"pk":{"S":"a"}}})")});
  DynamoDbClient client(fakeConfig(), transport, kFast);
  json::object answer = client.call("GetItem", {{"TableName", "T"}});
  EXPECT_EQ(transport.calls(), 3);
  EXPECT_EQ(json::serialize(answer), R"({"Item":{"pk":{"S":"a"}}})");
}

TEST(DynamoDbRetryTest, ServerErrorsUntilTheLastAttempt) {
  ScriptedTransport transport({errorReply(500, "InternalServerError")});
  DynamoDbClient client(fakeConfig(), transport, kFast);
  AwsError e = callError(client);
  EXPECT_EQ(transport.calls(), kFast.max_attempts);
  EXPECT_EQ(e.code(), "InternalServerError");
  EXPECT_EQ(e.message(), "scripted");
  EXPECT_EQ(e.httpStatus(), 500);
}

TEST(DynamoDbRetryTest, NonJsonServiceUnavailableIsRetriedToo) {
  ScriptedTransport transport({reply(503, "<html>busy</html>"), reply(200, "{}")});
  DynamoDbClient client(fakeConfig(), transport, kFast);
  EXPECT_TRUE(client.call("Query", {}).empty());
  EXPECT_EQ(transport.calls(), 2);
}

TEST(DynamoDbRetryTest, ClientErrorsAreNotRetried) {
  for (std::string code :
       {"ValidationException", "ConditionalCheckFailedException", "ResourceNotFoundException",
        "ResourceInUseException", "UnrecognizedClientException", "InvalidSignatureException"}) {
    ScriptedTransport transport({errorReply(400, code), reply(200, "{}")});
    DynamoDbClient client(fakeConfig(), transport, kFast);
    AwsError e = callError(client);
    EXPECT_EQ(transport.calls(), 1) << code;
    EXPECT_EQ(e.code(), code);
    EXPECT_EQ(e.httpStatus(), 400);
  }
}

TEST(DynamoDbRetryTest, CodeIsTheTextAfterTheLastHash) {
  ScriptedTransport transport({reply(
      400, R"({"__type":"com.amazon.coral.validate#ValidationException","Message":"bad"})")});
  DynamoDbClient client(fakeConfig(), transport, kFast);
  AwsError e = callError(client);
  EXPECT_EQ(e.code(), "ValidationException");
  EXPECT_EQ(e.message(), "bad");
}

TEST(DynamoDbRetryTest, CancelledTransactionIsRetriedOnlyForConflicts) {
  {
    ScriptedTransport transport({errorReply(
        400, "TransactionCanceledException",
        R"(,"CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed"}])")});
    DynamoDbClient client(fakeConfig(), transport, kFast);
    AwsError e = callError(client, "TransactWriteItems");
    EXPECT_EQ(transport.calls(), 1);
    EXPECT_EQ(e.code(), "TransactionCanceledException");
  }
  {
    ScriptedTransport transport(
        {errorReply(400, "TransactionCanceledException",
                    R"(,"CancellationReasons":[{"Code":"TransactionConflict"}])"),
         errorReply(400, "TransactionCanceledException",
                    R"(,"CancellationReasons":[{"Code":"None"},{"Code":"ThrottlingError"}])"),
         reply(200, R"({"ConsumedCapacity":[],"ItemCollectionMetrics":{}})")});
    DynamoDbClient client(fakeConfig(), transport, kFast);
    json::object answer = client.call("TransactWriteItems", {});
    EXPECT_EQ(transport.calls(), 3);
    EXPECT_TRUE(answer.contains("ConsumedCapacity"));
  }
}

TEST(DynamoDbRetryTest, TransportFailureBecomesTransportError) {
  ScriptedTransport transport({{false, "Connection refused", 0, ""}});
  DynamoDbClient client(fakeConfig(), transport, kFast);
  AwsError e = callError(client);
  EXPECT_EQ(transport.calls(), kFast.max_attempts);
  EXPECT_EQ(e.code(), "TransportError");
  EXPECT_EQ(e.message(), "Connection refused");
  EXPECT_EQ(e.httpStatus(), 0);
}

TEST(DynamoDbRetryTest, SuccessThatIsNotJsonIsAnInvalidResponse) {
  ScriptedTransport transport({reply(200, "<html>captive portal</html>")});
  DynamoDbClient client(fakeConfig(), transport, kFast);
  AwsError e = callError(client);
  EXPECT_EQ(e.code(), "InvalidResponse");
  EXPECT_EQ(transport.calls(), 1);
}

// ---------------------------------------------------------------------------------------
// Against the real moto_server

class DynamoDbMotoTest : public it::test::MotoTest {
 protected:
  static AwsConfig configFor(const std::string& region) {
    AwsConfig config;
    config.region = region;
    config.credentials = {"test", "test", ""};
    config.dynamodb_endpoint = moto_->url();
    return config;
  }

  static void createTable(DynamoDbClient& client, const std::string& name) {
    json::object answer = client.call(
        "CreateTable",
        {{"TableName", name},
         {"AttributeDefinitions", json::array{{{"AttributeName", "pk"}, {"AttributeType", "S"}},
                                              {{"AttributeName", "sk"}, {"AttributeType", "S"}}}},
         {"KeySchema", json::array{{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                                   {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}}},
         {"BillingMode", "PAY_PER_REQUEST"}});
    ASSERT_EQ(answer.at("TableDescription").at("TableName").as_string(), name);
  }

  static json::object key(const std::string& pk, const std::string& sk) {
    return {{"pk", {{"S", pk}}}, {"sk", {{"S", sk}}}};
  }

  // The real curl transport, counting the requests that go through it.
  class CountingTransport : public AwsJsonTransport {
   public:
    Answer post(const AwsConfig& config, std::string_view endpoint, std::string_view service,
                std::string_view target, std::string_view content_type,
                const std::string& body) override {
      ++calls;
      return inner_->post(config, endpoint, service, target, content_type, body);
    }
    std::atomic<int> calls{0};

   private:
    std::unique_ptr<AwsJsonTransport> inner_ = it::net::makeCurlAwsTransport();
  };

  std::unique_ptr<CountingTransport> transport_ = std::make_unique<CountingTransport>();
};

TEST_F(DynamoDbMotoTest, CreateTableThenCreatingItAgainIsResourceInUse) {
  DynamoDbClient client(configFor("us-east-1"), *transport_);
  createTable(client, "immersion_tracker");
  json::object described = client.call("DescribeTable", {{"TableName", "immersion_tracker"}});
  EXPECT_EQ(described.at("Table").at("TableStatus").as_string(), "ACTIVE");
  EXPECT_EQ(described.at("Table").at("BillingModeSummary").at("BillingMode").as_string(),
            "PAY_PER_REQUEST");
  try {
    createTable(client, "immersion_tracker");
    FAIL() << "expected ResourceInUseException";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ResourceInUseException");
    EXPECT_EQ(e.httpStatus(), 400);
  }
}

TEST_F(DynamoDbMotoTest, ConditionalPutFailsTheSecondTime) {
  DynamoDbClient client(configFor("us-east-1"), *transport_);
  createTable(client, "t");
  json::object item = key("USER#u1", "PROFILE");
  item["minutes"] = {{"N", "0"}};
  json::object put{
      {"TableName", "t"}, {"Item", item}, {"ConditionExpression", "attribute_not_exists(pk)"}};
  EXPECT_TRUE(client.call("PutItem", put).empty());
  int before = transport_->calls;
  try {
    client.call("PutItem", put);
    FAIL() << "expected ConditionalCheckFailedException";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ConditionalCheckFailedException");
    EXPECT_EQ(e.httpStatus(), 400);
  }
  EXPECT_EQ(transport_->calls - before, 1);  // a failed condition is never retried
}

TEST_F(DynamoDbMotoTest, GetItemRoundTripsUtf8) {
  DynamoDbClient client(configFor("us-east-1"), *transport_);
  createTable(client, "t");
  json::object item = key("USER#花子", "LOG#2024-05-01");
  item["title"] = {{"S", "ゆるキャン△ 第3話「ようこそ」"}};
  item["minutes"] = {{"N", "24"}};
  client.call("PutItem", {{"TableName", "t"}, {"Item", item}});
  json::object got = client.call(
      "GetItem",
      {{"TableName", "t"}, {"Key", key("USER#花子", "LOG#2024-05-01")}, {"ConsistentRead", true}});
  EXPECT_EQ(got.at("Item").at("title").at("S").as_string(), "ゆるキャン△ 第3話「ようこそ」");
  EXPECT_EQ(got.at("Item").at("pk").at("S").as_string(), "USER#花子");
  EXPECT_EQ(got.at("Item").at("minutes").at("N").as_string(), "24");

  json::object missing =
      client.call("GetItem", {{"TableName", "t"}, {"Key", key("USER#花子", "nothing")}});
  EXPECT_FALSE(missing.contains("Item"));
}

TEST_F(DynamoDbMotoTest, QueryPagesThroughBeginsWith) {
  DynamoDbClient client(configFor("us-east-1"), *transport_);
  createTable(client, "t");
  for (int i = 1; i <= 5; ++i) {
    client.call("PutItem", {{"TableName", "t"},
                            {"Item", key("USER#u1", "LOG#2024-05-0" + std::to_string(i))}});
  }
  client.call("PutItem", {{"TableName", "t"}, {"Item", key("USER#u1", "PROFILE")}});
  client.call("PutItem", {{"TableName", "t"}, {"Item", key("USER#u2", "LOG#2024-05-01")}});

  std::vector<std::string> seen;
  int pages = 0;
  json::object request{
      {"TableName", "t"},
      {"KeyConditionExpression", "pk = :pk AND begins_with(sk, :p)"},
      {"ExpressionAttributeValues", {{":pk", {{"S", "USER#u1"}}}, {":p", {{"S", "LOG#"}}}}},
      {"Limit", 2}};
  while (true) {
    json::object page = client.call("Query", request);
    ++pages;
    ASSERT_LE(pages, 10);
    for (const auto& item : page.at("Items").as_array()) {
      seen.emplace_back(item.at("sk").at("S").as_string());
    }
    const auto* last = page.if_contains("LastEvaluatedKey");
    if (last == nullptr) break;
    request["ExclusiveStartKey"] = *last;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"LOG#2024-05-01", "LOG#2024-05-02", "LOG#2024-05-03",
                                            "LOG#2024-05-04", "LOG#2024-05-05"}));
  EXPECT_EQ(pages, 3);
}

TEST_F(DynamoDbMotoTest, MissingTableIsResourceNotFound) {
  DynamoDbClient client(configFor("us-east-1"), *transport_);
  try {
    client.call("GetItem", {{"TableName", "nope"}, {"Key", key("a", "b")}});
    FAIL() << "expected ResourceNotFoundException";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ResourceNotFoundException");
    EXPECT_EQ(e.httpStatus(), 400);
  }
}

TEST_F(DynamoDbMotoTest, TablesAreIsolatedByRegion) {
  DynamoDbClient east(configFor("us-east-1"), *transport_);
  DynamoDbClient west(configFor("eu-west-1"), *transport_);
  createTable(east, "t");
  EXPECT_EQ(json::serialize(east.call("ListTables", {})), R"({"TableNames":["t"]})");
  EXPECT_EQ(json::serialize(west.call("ListTables", {})), R"({"TableNames":[]})");
  try {
    west.call("DescribeTable", {{"TableName", "t"}});
    FAIL() << "expected ResourceNotFoundException";
  } catch (const AwsError& e) {
    EXPECT_EQ(e.code(), "ResourceNotFoundException");
  }
}

}  // namespace
