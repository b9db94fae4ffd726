#pragma once

// Shared by the files of DynamoDbStore; not part of its interface.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/dynamodb/table_ops.hpp"
#include "storage/store.hpp"

namespace it::storage::dynamodb {

// Partition key prefixes (see dynamodb_store.hpp).
constexpr const char* kUserPkPrefix = "USER#";  // the immersion original's
constexpr const char* kTotalsPkPrefix = "IT#TOTALS#";
constexpr const char* kMetaPkPrefix = "IT#META#";
constexpr const char* kLogsPkPrefix = "IT#LOGS#";
// The languages a user chose for groups: sk "<KIND>#<group>", language.
constexpr const char* kLanguagesPkPrefix = "IT#LANGUAGES#";
// The sort key of the write lease in a user's IT#TOTALS# partition.
constexpr const char* kLeaseSk = "LEASE";

std::string itemKey(const char* prefix, std::string_view rest);

// One item a sync offers: written (with its group's item, when missing) unless the user has
// it already.
struct SyncCandidate {
  std::string sk;
  json::object item;                    // every attribute but pk, sk, user, timestamp and version
  std::string group;                    // folder, channel or show id; empty for movies
  std::int64_t seconds = 0;             // episodes: set from their show's runtime
  std::optional<std::string> language;  // the provider's; episodes: set from their show's
  // The group item's attributes besides pk, sk, user and version (folder_name, channel id
  // and title, ...), written only where the item does not exist.
  std::vector<std::pair<std::string, json::object>> group_attributes;
  // The group's name (channel title, podcast name) for the aggregates.
  std::optional<std::string> group_title;
  // The group's picture, when known: its attribute on the group item, and the URL. Written to
  // the group item (new or not) and its aggregate.
  std::optional<std::pair<std::string, std::string>> group_artwork;
};
json::object pkSk(std::string_view pk, std::string_view sk);
// A single write's condition failed.
bool isConditionFailure(const aws::AwsError& e);
// A transaction was cancelled because one of its conditions failed (not for a conflict or an
// error, which the client retries or reports).
bool cancelledByCondition(const aws::AwsError& e);

// A Query of one whole partition of the immersion table (`:pk` bound), strongly consistent.
inline json::object partitionQuery(const std::string& table, std::string_view pk) {
  return {{"TableName", table},
          {"KeyConditionExpression", "pk = :pk"},
          {"ExpressionAttributeValues", {{":pk", S(pk)}}},
          {"ConsistentRead", true}};
}

// Runs `work`, turning an AWS failure into the StoreError the handlers answer 500 for.
template <class Work>
auto guarded(const char* what, Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const aws::AwsError& e) {
    throw StoreError(std::string("DynamoDB, ") + what + ": " + e.what());
  }
}

// Runs `work` and reports its outcome to `done` (a write's completion), exactly once: `count`
// when it succeeded (for writes that count), its failure otherwise.
template <class T, class Work>
void completeWith(const Done<T>& done, Work&& work, const T& count) {
  try {
    work();
  } catch (...) {
    return done(Result<T>::fail(currentFailure(FailureKind::kStorage)));
  }
  done(Result<T>::success(count));
}

template <class Work>
void completeWith(const Done<void>& done, Work&& work) {
  try {
    work();
  } catch (...) {
    return done(Result<void>::fail(currentFailure(FailureKind::kStorage)));
  }
  done(Result<void>::success());
}

}  // namespace it::storage::dynamodb
