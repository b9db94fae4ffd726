// DynamoDbStore's per-user write lease (see DynamoDbStore::Lease).

#include <chrono>
#include <ctime>
#include <thread>

#include "storage/dynamodb/dynamodb_store.hpp"
#include "storage/dynamodb/keys.hpp"
#include "storage/dynamodb/store_internal.hpp"
#include "util/retry.hpp"

namespace it::storage::dynamodb {

DynamoDbStore::Lease DynamoDbStore::acquireLease(const std::string& username) {
  const std::string totals_pk = itemKey(kTotalsPkPrefix, username);
  std::string owner = randomHex(12);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int attempt = 0;; ++attempt) {
    const std::int64_t now = std::time(nullptr);
    json::object item = pkSk(totals_pk, kLeaseSk);
    item["owner"] = S(owner);
    item["expires"] = N(now + kLeaseSeconds);
    try {
      json::object answer = ops_.call(
          "PutItem",
          {{"TableName", tables_.immersion},
           {"Item", std::move(item)},
           // Ours already when the answer to an earlier attempt was lost.
           {"ConditionExpression", "attribute_not_exists(sk) OR expires < :now OR #o = :me"},
           {"ExpressionAttributeNames", {{"#o", "owner"}}},
           {"ExpressionAttributeValues", {{":now", N(now)}, {":me", S(owner)}}},
           {"ReturnValues", "ALL_OLD"}});
      // Took over a lease that expired unreleased: its holder may have written items it never
      // counted.
      if (auto* old = answer.if_contains("Attributes");
          old != nullptr && old->is_object() && !old->get_object().empty() &&
          stringOf(old->get_object(), "owner") != owner) {
        invalidateTotals(username);
      }
      return Lease(*this, username, std::move(owner));
    } catch (const aws::AwsError& e) {
      if (!isConditionFailure(e)) throw;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw StoreError("DynamoDB: another write of user " + username +
                       " is still in progress; try again");
    }
    std::this_thread::sleep_for(
        fullJitterBackoff(std::chrono::milliseconds(20), std::chrono::milliseconds(1000), attempt));
  }
}

void DynamoDbStore::invalidateTotals(const std::string& username) {
  ops_.call("UpdateItem", {{"TableName", tables_.immersion},
                           {"Key", pkSk(itemKey(kTotalsPkPrefix, username), kTotalsSk)},
                           {"UpdateExpression", "REMOVE #z"},
                           {"ExpressionAttributeNames", {{"#z", "zone"}}}});
}

void DynamoDbStore::invalidateAggregates(std::string_view username) {
  guarded("invalidating aggregates", [&] {
    const std::string user(username);
    std::lock_guard lock(writeLock(user));
    Lease lease = acquireLease(user);
    invalidateTotals(user);
  });
}

void DynamoDbStore::Lease::invalidateTotals() {
  try {
    store_.invalidateTotals(username_);
  } catch (const std::exception&) {
    release_ = false;  // expiring unreleased, the lease has the next holder rebuild
  }
}

DynamoDbStore::Lease::~Lease() {
  if (!release_) return;
  try {
    store_.ops_.call("DeleteItem", {{"TableName", store_.tables_.immersion},
                                    {"Key", pkSk(itemKey(kTotalsPkPrefix, username_), kLeaseSk)},
                                    {"ConditionExpression", "#o = :o"},
                                    {"ExpressionAttributeNames", {{"#o", "owner"}}},
                                    {"ExpressionAttributeValues", {{":o", S(owner_)}}}});
  } catch (const std::exception&) {
    // Not ours any more, or unreachable: it expires.
  }
}

}  // namespace it::storage::dynamodb
