#include "aws/tables.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdlib>
#include <ostream>
#include <thread>

#include "util/env.hpp"
#include "util/json.hpp"
#include "util/time_format.hpp"

namespace it::aws {
namespace {

namespace json = boost::json;

json::object keySchema(const char* hash, const char* range) {
  return {{"AttributeDefinitions",
           json::array{json::object{{"AttributeName", hash}, {"AttributeType", "S"}},
                       json::object{{"AttributeName", range}, {"AttributeType", "S"}}}},
          {"KeySchema", json::array{json::object{{"AttributeName", hash}, {"KeyType", "HASH"}},
                                    json::object{{"AttributeName", range}, {"KeyType", "RANGE"}}}},
          {"BillingMode", "PAY_PER_REQUEST"}};
}

// Creates `name` unless it exists, then waits for it to be ACTIVE (a minute at most).
void createTable(DynamoDbClient& dynamodb, const std::string& name, json::object schema,
                 std::ostream& out) {
  schema["TableName"] = name;
  try {
    dynamodb.call("CreateTable", schema);
  } catch (const AwsError& e) {
    if (e.code() != "ResourceInUseException") throw;
    out << "Table " << name << " already exists\n";
    return;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  for (;;) {
    json::object table = dynamodb.call("DescribeTable", {{"TableName", name}})["Table"].as_object();
    std::string status = stringAt(table, "TableStatus").value_or("");
    if (status == "ACTIVE" || std::chrono::steady_clock::now() > deadline) {
      out << "Table ARN: " << stringAt(table, "TableArn").value_or("") << "\n";
      out << "Table Status: " << status << "\n";
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace

TableNames tableNamesFromEnvironment() {
  TableNames names;
  names.immersion = envVar("IMMERSION_TRACKER_TABLE").value_or(names.immersion);
  names.tv_progress = envVar("DYNAMODB_TABLE").value_or(names.tv_progress);
  return names;
}

void createTables(DynamoDbClient& dynamodb, const TableNames& names, bool sample_data,
                  std::ostream& out) {
  createTable(dynamodb, names.immersion, keySchema("pk", "sk"), out);
  createTable(dynamodb, names.tv_progress, keySchema("username", "tv_show"), out);
  if (!sample_data) return;
  struct Sample {
    const char* username;
    const char* tv_show;
    int season;
    int episode;
  };
  constexpr Sample kSamples[] = {{"john_doe", "Breaking Bad", 3, 7},
                                 {"john_doe", "The Office", 5, 12},
                                 {"jane_smith", "Stranger Things", 4, 3}};
  std::string now = formatUtcMillisZ(std::chrono::system_clock::now());
  for (const auto& s : kSamples) {
    dynamodb.call(
        "PutItem",
        {{"TableName", names.tv_progress},
         {"Item", json::object{{"username", json::object{{"S", s.username}}},
                               {"tv_show", json::object{{"S", s.tv_show}}},
                               {"season", json::object{{"N", std::to_string(s.season)}}},
                               {"episode", json::object{{"N", std::to_string(s.episode)}}},
                               {"last_updated", json::object{{"S", now}}}}}});
  }
  out << "Added " << std::size(kSamples) << " sample items to " << names.tv_progress << "\n";
}

}  // namespace it::aws
