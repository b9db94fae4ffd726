#include "telemetry/cloudwatch.hpp"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "aws/aws_config.hpp"
#include "aws/dynamodb_client.hpp"
#include "net/aws_json.hpp"
#include "support/moto_server.hpp"

namespace {

namespace json = boost::json;
using it::aws::AwsError;
using it::net::AwsConfig;
using it::net::AwsJsonTransport;
using it::telemetry::CloudWatchPublisher;
using it::telemetry::emfLine;
using it::telemetry::RequestSample;
using namespace std::chrono_literals;

constexpr std::int64_t kTimestampMs = 1716543210123;

RequestSample sample(int status, std::string endpoint = "/api/show_episode",
                     double duration_ms = 12.5) {
  return {std::move(endpoint), "GET", status, duration_ms, kTimestampMs};
}

// ---------------------------------------------------------------------------------------
// Embedded Metric Format

// Checks `line` against the rules of external-apis.md §5.2 and returns the parsed root.
json::object checkedEmf(const std::string& line) {
  EXPECT_EQ(line.find('\n'), std::string::npos);
  json::value parsed = json::parse(line);  // throws when it is not one JSON value
  EXPECT_TRUE(parsed.is_object());
  json::object root = parsed.as_object();
  const json::object& aws = root.at("_aws").as_object();
  EXPECT_TRUE(aws.at("Timestamp").is_int64() || aws.at("Timestamp").is_uint64());
  const json::array& directives = aws.at("CloudWatchMetrics").as_array();
  EXPECT_EQ(directives.size(), 1u);
  for (const json::value& d : directives) {
    const json::object& directive = d.as_object();
    EXPECT_TRUE(directive.at("Namespace").is_string());
    for (const json::value& set : directive.at("Dimensions").as_array()) {
      EXPECT_LE(set.as_array().size(), 30u);
      for (const json::value& key : set.as_array()) {
        const json::value* member = root.if_contains(key.as_string());
        EXPECT_NE(member, nullptr) << "dimension " << key << " is not a root member";
        if (member == nullptr) continue;
        EXPECT_TRUE(member->is_string()) << "dimension " << key << " is not a string";
      }
    }
    for (const json::value& m : directive.at("Metrics").as_array()) {
      const json::string& name = m.as_object().at("Name").as_string();
      const json::value* member = root.if_contains(name);
      EXPECT_NE(member, nullptr) << "metric " << name << " is not a root member";
      if (member == nullptr) continue;
      EXPECT_TRUE(member->is_number()) << "metric " << name << " is not a number";
    }
  }
  return root;
}

std::set<std::string> metricNames(const json::object& root) {
  std::set<std::string> names;
  for (const json::value& m :
       root.at("_aws").at("CloudWatchMetrics").at(0).at("Metrics").as_array()) {
    names.insert(std::string(m.at("Name").as_string()));
  }
  return names;
}

std::vector<std::string> dimensionSet(const json::object& root) {
  std::vector<std::string> keys;
  const json::array& sets =
      root.at("_aws").at("CloudWatchMetrics").at(0).at("Dimensions").as_array();
  EXPECT_EQ(sets.size(), 1u);
  for (const json::value& key : sets.at(0).as_array()) keys.emplace_back(key.as_string());
  return keys;
}

TEST(EmfLineTest, SuccessIsAValidRecordWithSuccessCount) {
  json::object root = checkedEmf(emfLine(sample(200), "TVShowTracker/API"));
  EXPECT_EQ(root.at("_aws").at("Timestamp").to_number<std::int64_t>(), kTimestampMs);
  EXPECT_EQ(root.at("_aws").at("CloudWatchMetrics").at(0).at("Namespace").as_string(),
            "TVShowTracker/API");
  EXPECT_EQ(dimensionSet(root), (std::vector<std::string>{"Endpoint", "Method", "StatusCode"}));
  EXPECT_EQ(metricNames(root),
            (std::set<std::string>{"RequestCount", "ResponseTime", "SuccessCount"}));
  EXPECT_EQ(root.at("Endpoint").as_string(), "/api/show_episode");
  EXPECT_EQ(root.at("Method").as_string(), "GET");
  EXPECT_EQ(root.at("StatusCode").as_string(), "200");
  EXPECT_EQ(root.at("RequestCount").to_number<double>(), 1);
  EXPECT_DOUBLE_EQ(root.at("ResponseTime").to_number<double>(), 12.5);
  EXPECT_EQ(root.at("SuccessCount").to_number<double>(), 1);
  EXPECT_FALSE(root.contains("ErrorType"));
  EXPECT_FALSE(root.contains("ErrorCount"));
}

TEST(EmfLineTest, UnitsAreCountAndMilliseconds) {
  json::object root = checkedEmf(emfLine(sample(200), "TVShowTracker/API"));
  for (const json::value& m :
       root.at("_aws").at("CloudWatchMetrics").at(0).at("Metrics").as_array()) {
    const bool time = m.at("Name").as_string() == "ResponseTime";
    EXPECT_EQ(m.at("Unit").as_string(), time ? "Milliseconds" : "Count") << m;
  }
}

TEST(EmfLineTest, CreatedIsASuccess) {
  json::object root = checkedEmf(emfLine(sample(201), "TVShowTracker/API"));
  EXPECT_EQ(root.at("StatusCode").as_string(), "201");
  EXPECT_TRUE(root.contains("SuccessCount"));
  EXPECT_FALSE(root.contains("ErrorCount"));
  EXPECT_FALSE(root.contains("ErrorType"));
}

TEST(EmfLineTest, ClientErrorCarriesErrorTypeDimensionAndErrorCount) {
  json::object root = checkedEmf(emfLine(sample(404), "TVShowTracker/API"));
  EXPECT_EQ(root.at("StatusCode").as_string(), "404");
  EXPECT_EQ(root.at("ErrorType").as_string(), "ClientError");
  EXPECT_EQ(dimensionSet(root),
            (std::vector<std::string>{"Endpoint", "Method", "StatusCode", "ErrorType"}));
  EXPECT_EQ(metricNames(root),
            (std::set<std::string>{"RequestCount", "ResponseTime", "ErrorCount"}));
  EXPECT_EQ(root.at("ErrorCount").to_number<double>(), 1);
  EXPECT_FALSE(root.contains("SuccessCount"));
}

TEST(EmfLineTest, ServerErrorIsAServerError) {
  json::object root = checkedEmf(emfLine(sample(503), "Custom/NS"));
  EXPECT_EQ(root.at("ErrorType").as_string(), "ServerError");
  EXPECT_EQ(root.at("_aws").at("CloudWatchMetrics").at(0).at("Namespace").as_string(), "Custom/NS");
  EXPECT_TRUE(root.contains("ErrorCount"));
}

TEST(EmfLineTest, NonFiniteDurationStaysANumberAndTextIsEscaped) {
  RequestSample s = sample(200, "/api/\"quoted\"\\path", std::numeric_limits<double>::quiet_NaN());
  json::object root = checkedEmf(emfLine(s, "TVShowTracker/API"));
  EXPECT_EQ(root.at("Endpoint").as_string(), "/api/\"quoted\"\\path");
  EXPECT_TRUE(std::isfinite(root.at("ResponseTime").to_number<double>()));
}

// ---------------------------------------------------------------------------------------
// The publisher against a fake transport

// Records every call; can be told to fail, to throw, or to hold calls until released.
class FakeCloudWatch : public AwsJsonTransport {
 public:
  struct Call {
    std::string endpoint, service, target, content_type;
    json::object body;
  };

  Answer post(const AwsConfig&, std::string_view endpoint, std::string_view service,
              std::string_view target, std::string_view content_type,
              const std::string& body) override {
    std::unique_lock lock(mutex_);
    calls_.push_back({std::string(endpoint), std::string(service), std::string(target),
                      std::string(content_type), json::parse(body).as_object()});
    changed_.notify_all();
    changed_.wait(lock, [this] { return !held_; });
    if (throw_) throw AwsError("TransportError", "connection refused", 0);
    return answer_;
  }

  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  void answer(Answer answer) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(answer);
  }
  void throwOnCall(bool value) {
    std::lock_guard lock(mutex_);
    throw_ = value;
  }
  bool waitForCalls(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return calls_.size() >= n; });
  }
  std::vector<Call> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Call> calls_;
  bool held_ = false;
  bool throw_ = false;
  Answer answer_{true, "", 200, "{}"};
};

AwsConfig fakeConfig() {
  AwsConfig config;
  config.region = "us-east-1";
  config.credentials = {"test", "test", ""};
  config.monitoring_endpoint = "http://monitoring.invalid:1";
  return config;
}

CloudWatchPublisher::Options options(std::size_t max_metrics_per_call = 1000,
                                     std::size_t max_queue = 10'000,
                                     std::chrono::milliseconds interval = 1h) {
  CloudWatchPublisher::Options o;
  o.max_metrics_per_call = max_metrics_per_call;
  o.max_queue = max_queue;
  o.flush_interval = interval;
  return o;
}

std::size_t totalData(const std::vector<FakeCloudWatch::Call>& calls) {
  std::size_t total = 0;
  for (const auto& call : calls) total += call.body.at("MetricData").as_array().size();
  return total;
}

TEST(CloudWatchPublisherTest, SendsPutMetricDataWithTheJsonProtocol) {
  FakeCloudWatch fake;
  {
    CloudWatchPublisher publisher(fakeConfig(), fake, options());
    publisher.record(sample(200));
    publisher.flush();
  }
  auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].endpoint, "http://monitoring.invalid:1");
  EXPECT_EQ(calls[0].service, "monitoring");
  EXPECT_EQ(calls[0].target, "GraniteServiceVersion20100801.PutMetricData");
  EXPECT_EQ(calls[0].content_type, "application/x-amz-json-1.0");
  EXPECT_EQ(calls[0].body.at("Namespace").as_string(), "TVShowTracker/API");
}

TEST(CloudWatchPublisherTest, EachSampleMakesThreeDataWithItsDimensions) {
  FakeCloudWatch fake;
  CloudWatchPublisher publisher(fakeConfig(), fake, options());
  publisher.record(sample(200, "/api/shows", 7.25));
  publisher.record(sample(500, "/api/update_episode", 30));
  publisher.flush();
  EXPECT_EQ(publisher.sent(), 2u);

  auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 1u);
  const json::array& data = calls[0].body.at("MetricData").as_array();
  ASSERT_EQ(data.size(), 6u);
  std::vector<std::string> names;
  for (const json::value& d : data) {
    const json::object& datum = d.as_object();
    names.emplace_back(datum.at("MetricName").as_string());
    EXPECT_EQ(datum.at("Timestamp").to_number<std::int64_t>(), kTimestampMs / 1000) << datum;
    EXPECT_EQ(datum.at("StorageResolution").to_number<int>(), 60);
    EXPECT_TRUE(datum.at("Value").is_number());
    const bool time = datum.at("MetricName").as_string() == "ResponseTime";
    EXPECT_EQ(datum.at("Unit").as_string(), time ? "Milliseconds" : "Count");
  }
  EXPECT_EQ(names, (std::vector<std::string>{"RequestCount", "ResponseTime", "SuccessCount",
                                             "RequestCount", "ResponseTime", "ErrorCount"}));
  EXPECT_EQ(data[1].at("Value").to_number<double>(), 7.25);
  EXPECT_EQ(
      data[0].at("Dimensions"),
      json::parse(R"([{"Name":"Endpoint","Value":"/api/shows"},{"Name":"Method","Value":"GET"},
                            {"Name":"StatusCode","Value":"200"}])"));
  EXPECT_EQ(data[5].at("Dimensions"),
            json::parse(R"([{"Name":"Endpoint","Value":"/api/update_episode"},
                            {"Name":"Method","Value":"GET"},{"Name":"StatusCode","Value":"500"},
                            {"Name":"ErrorType","Value":"ServerError"}])"));
}

TEST(CloudWatchPublisherTest, BatchesIntoCallsOfAtMostMaxMetricsPerCall) {
  FakeCloudWatch fake;
  CloudWatchPublisher publisher(fakeConfig(), fake, options(300));
  for (int i = 0; i < 1000; ++i) publisher.record(sample(200, "/api/e" + std::to_string(i % 7)));
  publisher.flush();

  auto calls = fake.calls();
  EXPECT_EQ(calls.size(), 10u);  // ceil(3000 / 300)
  for (const auto& call : calls) EXPECT_LE(call.body.at("MetricData").as_array().size(), 300u);
  EXPECT_EQ(totalData(calls), 3000u);
  EXPECT_EQ(publisher.sent(), 1000u);
  EXPECT_EQ(publisher.dropped(), 0u);
  EXPECT_EQ(publisher.failed(), 0u);
}

TEST(CloudWatchPublisherTest, AFullCallIsSentWithoutWaitingForTheInterval) {
  FakeCloudWatch fake;
  CloudWatchPublisher publisher(fakeConfig(), fake, options(30));  // 10 samples per call
  for (int i = 0; i < 10; ++i) publisher.record(sample(200));
  ASSERT_TRUE(fake.waitForCalls(1));
  EXPECT_EQ(totalData(fake.calls()), 30u);
}

TEST(CloudWatchPublisherTest, TheIntervalSendsAPartialCall) {
  FakeCloudWatch fake;
  CloudWatchPublisher publisher(fakeConfig(), fake, options(1000, 10'000, 20ms));
  publisher.record(sample(200));
  ASSERT_TRUE(fake.waitForCalls(1));
  EXPECT_EQ(totalData(fake.calls()), 3u);
}

TEST(CloudWatchPublisherTest, RecordNeverBlocksWhileCloudWatchIsStuck) {
  FakeCloudWatch fake;
  fake.hold();
  CloudWatchPublisher publisher(fakeConfig(), fake, options(30, 10));
  for (int i = 0; i < 10; ++i) publisher.record(sample(200));
  ASSERT_TRUE(fake.waitForCalls(1));  // the background thread is now stuck in the call

  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) publisher.record(sample(200));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  EXPECT_EQ(publisher.dropped(), 90u);

  fake.release();
  publisher.flush();
  EXPECT_EQ(publisher.sent(), 20u);
  EXPECT_EQ(publisher.failed(), 0u);
  EXPECT_EQ(totalData(fake.calls()), 60u);
}

TEST(CloudWatchPublisherTest, RejectedCallsAreCountedAsFailedAndNotRetried) {
  FakeCloudWatch fake;
  fake.answer({true, "", 400,
               R"({"__type":"GraniteServiceVersion20100801#InvalidParameterValueException",)"
               R"("message":"bad value"})"});
  CloudWatchPublisher publisher(fakeConfig(), fake, options(30));
  for (int i = 0; i < 25; ++i) publisher.record(sample(200));
  publisher.flush();
  EXPECT_EQ(fake.calls().size(), 3u);  // 10 + 10 + 5 samples, each tried once
  EXPECT_EQ(publisher.failed(), 25u);
  EXPECT_EQ(publisher.sent(), 0u);
}

TEST(CloudWatchPublisherTest, UnreachableCloudWatchIsRetriedOnce) {
  FakeCloudWatch fake;
  fake.answer({false, "Couldn't connect to server", 0, ""});
  CloudWatchPublisher publisher(fakeConfig(), fake, options());
  for (int i = 0; i < 25; ++i) publisher.record(sample(200));
  publisher.flush();
  EXPECT_EQ(fake.calls().size(), 2u);  // the call and its one retry
  EXPECT_EQ(publisher.failed(), 25u);
  EXPECT_EQ(publisher.sent(), 0u);

  // CloudWatch is back: later samples go through.
  fake.answer({true, "", 200, "{}"});
  publisher.record(sample(200));
  publisher.flush();
  EXPECT_EQ(publisher.sent(), 1u);
  EXPECT_EQ(publisher.failed(), 25u);
}

TEST(CloudWatchPublisherTest, UnreachableCloudWatchGivesUpTheRestOfTheBatch) {
  FakeCloudWatch fake;
  fake.answer({false, "Couldn't connect to server", 0, ""});
  fake.hold();
  CloudWatchPublisher publisher(fakeConfig(), fake, options(30));  // 10 samples per call
  for (int i = 0; i < 10; ++i) publisher.record(sample(200));
  ASSERT_TRUE(fake.waitForCalls(1));  // the thread holds the first 10 samples
  for (int i = 0; i < 30; ++i) publisher.record(sample(200));
  fake.release();
  publisher.flush();
  // 10 samples: call + retry; then one batch of 30 (three calls' worth): its first call and
  // retry fail, and the other two calls are not tried.
  EXPECT_EQ(fake.calls().size(), 4u);
  EXPECT_EQ(publisher.failed(), 40u);
  EXPECT_EQ(publisher.sent(), 0u);
}

TEST(CloudWatchPublisherTest, ServerErrorsAndThrownErrorsAreCountedNeverThrown) {
  FakeCloudWatch fake;
  fake.answer({true, "", 503, R"({"__type":"ServiceUnavailable","message":"down"})"});
  CloudWatchPublisher publisher(fakeConfig(), fake, options());
  publisher.record(sample(200));
  EXPECT_NO_THROW(publisher.flush());
  EXPECT_EQ(publisher.failed(), 1u);
  EXPECT_EQ(fake.calls().size(), 2u);

  fake.throwOnCall(true);
  publisher.record(sample(200));
  EXPECT_NO_THROW(publisher.flush());
  EXPECT_EQ(publisher.failed(), 2u);
  EXPECT_EQ(publisher.sent(), 0u);
}

TEST(CloudWatchPublisherTest, DestructorSendsWhatIsQueued) {
  FakeCloudWatch fake;
  {
    CloudWatchPublisher publisher(fakeConfig(), fake, options());
    for (int i = 0; i < 5; ++i) publisher.record(sample(200));
  }
  EXPECT_EQ(totalData(fake.calls()), 15u);
}

TEST(CloudWatchPublisherTest, FlushWithNothingQueuedReturnsAtOnce) {
  FakeCloudWatch fake;
  CloudWatchPublisher publisher(fakeConfig(), fake, options());
  publisher.flush();
  EXPECT_TRUE(fake.calls().empty());
}

TEST(CloudWatchPublisherTest, RecordFromManyThreadsLosesNothing) {
  FakeCloudWatch fake;
  CloudWatchPublisher publisher(fakeConfig(), fake, options(300));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) publisher.record(sample(200));
    });
  }
  for (auto& thread : threads) thread.join();
  publisher.flush();
  EXPECT_EQ(publisher.sent(), 1000u);
  EXPECT_EQ(totalData(fake.calls()), 3000u);
}

// ---------------------------------------------------------------------------------------
// Against the real moto_server

class CloudWatchMotoTest : public it::test::MotoTest {
 protected:
  static AwsConfig config() {
    AwsConfig config;
    config.region = "us-east-1";
    config.credentials = {"test", "test", ""};
    config.monitoring_endpoint = moto_->url();
    return config;
  }

  json::object call(std::string_view operation, const json::object& request) {
    auto answer = transport_->post(config(), moto_->url(), "monitoring",
                                   "GraniteServiceVersion20100801." + std::string(operation),
                                   "application/x-amz-json-1.0", json::serialize(request));
    EXPECT_TRUE(answer.transport_ok) << answer.transport_error;
    EXPECT_EQ(answer.status, 200) << answer.body;
    return json::parse(answer.body).as_object();
  }

  std::unique_ptr<AwsJsonTransport> transport_ = it::net::makeCurlAwsTransport();
};

TEST_F(CloudWatchMotoTest, PublishedMetricsAreListedAndHaveStatistics) {
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  CloudWatchPublisher publisher(config(), *transport_, options());
  for (int i = 0; i < 3; ++i) {
    publisher.record({"/api/show_episode", "GET", 200, 10.0 + i, now_ms});
  }
  publisher.record({"/api/show_episode", "GET", 404, 4.0, now_ms});
  publisher.flush();
  ASSERT_EQ(publisher.sent(), 4u);
  ASSERT_EQ(publisher.failed(), 0u);

  json::object listed = call("ListMetrics", {{"Namespace", "TVShowTracker/API"}});
  std::set<std::string> names;
  bool request_count_has_endpoint = false;
  for (const json::value& m : listed.at("Metrics").as_array()) {
    EXPECT_EQ(m.at("Namespace").as_string(), "TVShowTracker/API");
    names.emplace(m.at("MetricName").as_string());
    if (m.at("MetricName").as_string() != "RequestCount") continue;
    for (const json::value& d : m.at("Dimensions").as_array()) {
      if (d.at("Name").as_string() == "Endpoint" &&
          d.at("Value").as_string() == "/api/show_episode") {
        request_count_has_endpoint = true;
      }
    }
  }
  EXPECT_TRUE(request_count_has_endpoint) << listed;
  EXPECT_EQ(names,
            (std::set<std::string>{"RequestCount", "ResponseTime", "SuccessCount", "ErrorCount"}));

  json::object stats =
      call("GetMetricStatistics",
           {{"Namespace", "TVShowTracker/API"},
            {"MetricName", "RequestCount"},
            {"Dimensions",
             json::array{json::object{{"Name", "Endpoint"}, {"Value", "/api/show_episode"}},
                         json::object{{"Name", "Method"}, {"Value", "GET"}},
                         json::object{{"Name", "StatusCode"}, {"Value", "200"}}}},
            {"StartTime", now_ms / 1000 - 600},
            {"EndTime", now_ms / 1000 + 600},
            {"Period", 60},
            {"Statistics", json::array{"Sum"}}});
  double sum = 0;
  for (const json::value& point : stats.at("Datapoints").as_array()) {
    sum += point.at("Sum").to_number<double>();
  }
  EXPECT_EQ(sum, 3) << stats;
}

}  // namespace
