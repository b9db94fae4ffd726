// `immersion-tracker dynamodb create-tables` against a real moto_server, checked with the
// DynamoDB client: both originals' tables, their key schemas, the original setup script's
// sample items, and a second run that finds them.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>

#include "aws/dynamodb_client.hpp"
#include "e2e/server_process.hpp"
#include "support/moto_server.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

namespace json = boost::json;

class DynamoDbE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!MotoServer::available()) GTEST_SKIP() << "moto_server is not installed";
    moto_ = std::make_unique<MotoServer>();
    // No ~/.aws of the machine: only what the test sets.
    env_.onlyMoto(moto_->url(), home_.path());
  }

  json::object scan(const std::string& table) {
    net::AwsConfig config;
    config.region = "us-east-1";
    config.credentials = {"test", "test", ""};
    config.dynamodb_endpoint = moto_->url();
    auto transport = net::makeCurlAwsTransport();
    aws::DynamoDbClient client(config, *transport);
    return client.call("Scan", {{"TableName", table}});
  }

  TempDir home_;
  std::unique_ptr<MotoServer> moto_;
  ScopedEnv env_;
};

TEST_F(DynamoDbE2E, CreatesBothTablesOnceAndAddsSampleData) {
  auto first = run({IT_BINARY, "dynamodb", "create-tables"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out,
            "Table ARN: arn:aws:dynamodb:us-east-1:123456789012:table/immersion_tracker\n"
            "Table Status: ACTIVE\n"
            "Table ARN: arn:aws:dynamodb:us-east-1:123456789012:table/tv_show_tracker\n"
            "Table Status: ACTIVE\n");
  EXPECT_EQ(scan("immersion_tracker").at("Count"), 0);

  auto again = run({IT_BINARY, "dynamodb", "create-tables", "--sample-data"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out,
            "Table immersion_tracker already exists\n"
            "Table tv_show_tracker already exists\n"
            "Added 3 sample items to tv_show_tracker\n");
  json::object items = scan("tv_show_tracker");
  EXPECT_EQ(items.at("Count"), 3);
  bool found = false;
  for (const auto& item : items.at("Items").as_array()) {
    const auto& o = item.as_object();
    if (o.at("username").at("S") == "john_doe" && o.at("tv_show").at("S") == "Breaking Bad") {
      found = true;
      EXPECT_EQ(o.at("season"), json::parse(R"({"N": "3"})"));
      EXPECT_EQ(o.at("episode"), json::parse(R"({"N": "7"})"));
      EXPECT_TRUE(o.at("last_updated").at("S").as_string().ends_with("Z"));
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(DynamoDbE2E, TableNamesComeFromTheOriginalsVariables) {
  env_.set("IMMERSION_TRACKER_TABLE", "my_immersion");
  env_.set("DYNAMODB_TABLE", "my_tv");
  auto r = run({IT_BINARY, "dynamodb", "create-tables"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("table/my_immersion\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("table/my_tv\n"), std::string::npos) << r.out;
}

TEST_F(DynamoDbE2E, MissingRegionOrCredentialsIsOneSentence) {
  env_.unset("AWS_REGION");
  auto r = run({IT_BINARY, "dynamodb", "create-tables"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "immersion-tracker: AWS region is not set: set AWS_REGION (or AWS_DEFAULT_REGION)\n");
  env_.set("AWS_REGION", "us-east-1");
  env_.unset("AWS_ACCESS_KEY_ID");
  r = run({IT_BINARY, "dynamodb", "create-tables"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("AWS credentials are not set"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace it::test
