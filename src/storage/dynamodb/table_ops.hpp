#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/dynamodb_client.hpp"

namespace it::storage::dynamodb {

namespace json = boost::json;

// DynamoDB attribute values ({"S": ...}, {"N": ...}, {"BOOL": ...}) and reading them back.
json::object S(std::string_view value);
json::object N(std::int64_t value);
json::object B(bool value);
std::optional<std::string> stringOf(const json::object& item, std::string_view name);
// A number attribute as a whole number (a fraction is truncated, as Java's longValue()).
std::optional<std::int64_t> numberOf(const json::object& item, std::string_view name);
bool boolOf(const json::object& item, std::string_view name);

// `bytes` random bytes as hex (lease owners, transaction idempotency tokens).
std::string randomHex(std::size_t bytes);

// The calls of the DynamoDB JSON API that need more than one round trip: paging, batches with
// their unprocessed remainders, transactions. Thread-safe (as DynamoDbClient).
class TableOps {
 public:
  explicit TableOps(aws::DynamoDbClient& client) : client_(client) {}

  // One call, no paging.
  json::object call(std::string_view operation, const json::object& request);

  // Query or Scan (`operation`) every page of `request` (LastEvaluatedKey to
  // ExclusiveStartKey), handing each item to `visit` in order. Throws aws::AwsError.
  void forEach(std::string_view operation, json::object request,
               const std::function<void(json::object&)>& visit);
  std::vector<json::object> all(std::string_view operation, json::object request);

  // BatchWriteItem of PutRequest/DeleteRequest entries for `table`, 25 per call (up to
  // kParallelCalls at once), resubmitting UnprocessedItems with backoff until none are left.
  // Keys must be distinct.
  void batchWrite(const std::string& table, std::vector<json::object> requests);

  // BatchGetItem of `keys` in `table` (distinct), 100 per call (up to kParallelCalls at once),
  // resubmitting UnprocessedKeys. The items come in no particular order.
  // `projection` (a ProjectionExpression, may be empty) should name the key attributes.
  std::vector<json::object> batchGet(const std::string& table, std::vector<json::object> keys,
                                     const std::string& projection);

  // TransactWriteItems of up to 100 actions, with an idempotency token so that a retry cannot
  // apply it twice. A condition that failed comes back as
  // aws::AwsError "TransactionCanceledException" with one reason per action.
  void transact(json::array actions);

  // How many entries one call may carry.
  static constexpr std::size_t kBatchWriteLimit = 25;
  static constexpr std::size_t kBatchGetLimit = 100;
  static constexpr std::size_t kTransactionLimit = 100;
  // Calls of one batchWrite or batchGet in flight at once.
  static constexpr std::size_t kParallelCalls = 4;
  // Rounds of unprocessed remainders before giving up (with backoff, about a minute).
  static constexpr int kMaxUnprocessedRounds = 12;

 private:
  aws::DynamoDbClient& client_;
};

}  // namespace it::storage::dynamodb
