// CloudWatch request metrics from the running server: Embedded Metric Format lines in the
// log (`--metrics cloudwatch-emf`), and batched PutMetricData calls to a real moto_server
// (`--metrics cloudwatch`), sent when the server stops at the latest.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <sstream>

#include "e2e/server_process.hpp"
#include "net/aws_json.hpp"
#include "support/http_client.hpp"
#include "support/moto_server.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

TEST(MetricsE2E, EmfLinesDescribeEveryRequest) {
  TempDir dir;
  ASSERT_EQ(cli(dir.path(), {"user", "add", "alice"}, "pw\n").exit_code, 0);
  auto server = ServerProcess::start(dir.path(), {"--metrics", "cloudwatch-emf"});
  HttpClient alice(server.url());
  alice.setBasicAuth("alice", "pw");
  EXPECT_EQ(alice.get("/api/show_user?username=alice").status, 200);
  EXPECT_EQ(alice.get("/api/show_episode?username=alice&tv_show=Nope").status, 404);
  server.process->signal(SIGTERM);
  ASSERT_EQ(server.process->wait(), 0);

  std::vector<json::object> emf;
  std::istringstream lines(server.process->out());
  for (std::string line; std::getline(lines, line);) {
    json::value v = json::parse(line);  // every line is one JSON object
    if (v.as_object().contains("_aws")) emf.push_back(v.as_object());
  }
  ASSERT_EQ(emf.size(), 2u) << server.process->out();
  const json::object& ok = emf[0];
  EXPECT_EQ(ok.at("_aws").at("CloudWatchMetrics").at(0).at("Namespace"), "TVShowTracker/API");
  EXPECT_EQ(ok.at("Endpoint"), "/api/show_user");
  EXPECT_EQ(ok.at("Method"), "GET");
  EXPECT_EQ(ok.at("StatusCode"), "200");
  EXPECT_EQ(ok.at("RequestCount"), 1);
  EXPECT_TRUE(ok.contains("SuccessCount"));
  const json::object& missing = emf[1];
  EXPECT_EQ(missing.at("StatusCode"), "404");
  EXPECT_EQ(missing.at("ErrorType"), "ClientError");
  EXPECT_TRUE(missing.contains("ErrorCount"));
}

TEST(MetricsE2E, PutMetricDataReachesCloudWatch) {
  if (!MotoServer::available()) GTEST_SKIP() << "moto_server is not installed";
  MotoServer moto;
  TempDir dir;
  TempDir home;
  ASSERT_EQ(cli(dir.path(), {"user", "add", "alice"}, "pw\n").exit_code, 0);
  const char* old_home = std::getenv("HOME");
  std::string saved_home = old_home != nullptr ? old_home : "";
  for (const auto& [name, value] :
       std::vector<std::pair<const char*, std::string>>{{"HOME", home.path()},
                                                        {"AWS_ENDPOINT_URL", moto.url()},
                                                        {"AWS_ACCESS_KEY_ID", "test"},
                                                        {"AWS_SECRET_ACCESS_KEY", "test"},
                                                        {"AWS_REGION", "us-east-1"}}) {
    setenv(name, value.c_str(), 1);
  }
  auto server = ServerProcess::start(dir.path(), {"--metrics", "cloudwatch"});
  HttpClient alice(server.url());
  alice.setBasicAuth("alice", "pw");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(alice.get("/api/show_user?username=alice").status, 200);
  server.process->signal(SIGTERM);  // the publisher sends what is queued before exiting
  ASSERT_EQ(server.process->wait(), 0);

  net::AwsConfig config;
  config.region = "us-east-1";
  config.credentials = {"test", "test", ""};
  config.monitoring_endpoint = moto.url();
  auto transport = net::makeCurlAwsTransport();
  auto answer =
      transport->post(config, moto.url(), "monitoring", "GraniteServiceVersion20100801.ListMetrics",
                      "application/x-amz-json-1.0",
                      R"({"Namespace":"TVShowTracker/API","MetricName":"RequestCount"})");
  ASSERT_TRUE(answer.transport_ok) << answer.transport_error;
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_NE(answer.body.find("/api/show_user"), std::string::npos) << answer.body;
  for (const char* name :
       {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"}) {
    unsetenv(name);
  }
  setenv("HOME", saved_home.c_str(), 1);
}

}  // namespace
}  // namespace it::test
