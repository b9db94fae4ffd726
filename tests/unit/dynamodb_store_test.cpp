// DynamoDbStore against a real moto_server, through a transport that injects the faults moto
// never produces: UnprocessedItems / UnprocessedKeys, throttling and server errors, small
// pages (Limit), one-off validation errors, and answers lost after the write was done; and
// what only this store does (leases, the originals' layout). What every store does is in
// store_contract_test.cpp.

#include "storage/dynamodb/dynamodb_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <ctime>
#include <exception>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "aws/aws_config.hpp"
#include "aws/dynamodb_client.hpp"
#include "aws/tables.hpp"
#include "domain/time_zone.hpp"
#include "storage/dynamodb/table_ops.hpp"
#include "support/moto_server.hpp"
#include "support/store_helpers.hpp"

namespace it::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using domain::ItemKind;
using storage::EpisodeRef;
using storage::StoreError;
using storage::TvProgress;
using storage::dynamodb::DynamoDbStore;
using storage::dynamodb::N;
using storage::dynamodb::numberOf;
using storage::dynamodb::S;
using storage::dynamodb::stringOf;

// How an injected throttle answers.
enum class Throttle {
  kThroughput,   // 400 ProvisionedThroughputExceededException
  kInternal,     // 500 InternalServerError
  kUnavailable,  // 503 with a body that is not JSON
};

// The real curl transport to moto, with faults injected per operation. Thread-safe.
class FaultyTransport : public net::AwsJsonTransport {
 public:
  // BatchWriteItem: forward the first half (at least one) of each table's entries, answer the
  // rest as UnprocessedItems.
  void splitBatchWrites(bool on) {
    std::lock_guard lock(mutex_);
    split_writes_ = on;
  }
  // BatchGetItem: forward the first half of each table's Keys, answer the rest (with the other
  // fields of the table's spec) as UnprocessedKeys.
  void splitBatchGets(bool on) {
    std::lock_guard lock(mutex_);
    split_gets_ = on;
  }
  // Every Query and Scan is sent with this Limit (nothing: as asked).
  void pageLimit(std::optional<int> limit) {
    std::lock_guard lock(mutex_);
    page_limit_ = limit;
  }
  // The next `times` calls of `operation` are answered with `kind`, not forwarded.
  void throttle(const std::string& operation, int times, Throttle kind = Throttle::kThroughput) {
    std::lock_guard lock(mutex_);
    throttles_[operation] = {times, kind};
  }
  // The next `times` calls of `operation` are forwarded, then answered 500 InternalServerError
  // as if the answer had been lost after the write was done.
  void loseAnswers(const std::string& operation, int times) {
    std::lock_guard lock(mutex_);
    lost_answers_[operation] = times;
  }
  // The next call of `operation` is answered 400 ValidationException, not forwarded.
  void failOnceWithValidation(const std::string& operation) {
    std::lock_guard lock(mutex_);
    validation_.insert(operation);
  }

  // Calls of `operation` that reached this transport (injected answers included).
  int calls(const std::string& operation) const {
    std::lock_guard lock(mutex_);
    auto it = calls_.find(operation);
    return it == calls_.end() ? 0 : it->second;
  }
  // The request bodies of `operation`, in order.
  std::vector<std::string> bodies(const std::string& operation) const {
    std::lock_guard lock(mutex_);
    auto it = bodies_.find(operation);
    return it == bodies_.end() ? std::vector<std::string>{} : it->second;
  }
  // Entries (BatchWriteItem) or keys (BatchGetItem) that went on to moto, over all calls.
  int forwardedWrites() const {
    std::lock_guard lock(mutex_);
    return forwarded_writes_;
  }
  int forwardedKeys() const {
    std::lock_guard lock(mutex_);
    return forwarded_keys_;
  }
  // Entries or keys handed back as unprocessed, over all calls.
  int unprocessedWrites() const {
    std::lock_guard lock(mutex_);
    return unprocessed_writes_;
  }
  int unprocessedKeys() const {
    std::lock_guard lock(mutex_);
    return unprocessed_keys_;
  }

  Answer post(const net::AwsConfig& config, std::string_view endpoint, std::string_view service,
              std::string_view target, std::string_view content_type,
              const std::string& body) override {
    const std::string operation(target.substr(target.rfind('.') + 1));
    bool split_writes = false;
    bool split_gets = false;
    std::optional<int> page_limit;
    bool lose_answer = false;
    {
      std::lock_guard lock(mutex_);
      ++calls_[operation];
      bodies_[operation].push_back(body);
      if (validation_.erase(operation) > 0) {
        return {true, "", 400,
                R"({"__type":"com.amazon.coral.validate#ValidationException",)"
                R"("message":"injected validation error"})"};
      }
      if (auto it = throttles_.find(operation); it != throttles_.end() && it->second.first > 0) {
        --it->second.first;
        return throttled(it->second.second);
      }
      if (auto it = lost_answers_.find(operation); it != lost_answers_.end() && it->second > 0) {
        --it->second;
        lose_answer = true;
      }
      split_writes = split_writes_;
      split_gets = split_gets_;
      page_limit = page_limit_;
    }
    auto forward = [&](const std::string& request) {
      Answer answer = inner_->post(config, endpoint, service, target, content_type, request);
      return lose_answer ? throttled(Throttle::kInternal) : answer;
    };

    if (operation == "BatchWriteItem") {
      json::object request = json::parse(body).as_object();
      json::object unprocessed;
      int forwarded = 0;
      int left = 0;
      for (auto& [table, entries] : request["RequestItems"].as_object()) {
        json::array& all = entries.as_array();
        const std::size_t keep = split_writes ? (all.size() + 1) / 2 : all.size();
        json::array rest(all.begin() + static_cast<std::ptrdiff_t>(keep), all.end());
        all.resize(keep);
        forwarded += static_cast<int>(keep);
        left += static_cast<int>(rest.size());
        if (!rest.empty()) unprocessed[table] = std::move(rest);
      }
      Answer answer = forward(json::serialize(request));
      if (!answer.transport_ok || answer.status != 200) return answer;
      json::object reply = json::parse(answer.body).as_object();
      reply["UnprocessedItems"] = std::move(unprocessed);
      answer.body = json::serialize(reply);
      std::lock_guard lock(mutex_);
      forwarded_writes_ += forwarded;
      unprocessed_writes_ += left;
      return answer;
    }

    if (operation == "BatchGetItem") {
      json::object request = json::parse(body).as_object();
      json::object unprocessed;
      int forwarded = 0;
      int left = 0;
      for (auto& [table, spec] : request["RequestItems"].as_object()) {
        json::array& keys = spec.as_object()["Keys"].as_array();
        const std::size_t keep = split_gets ? (keys.size() + 1) / 2 : keys.size();
        json::array rest(keys.begin() + static_cast<std::ptrdiff_t>(keep), keys.end());
        keys.resize(keep);
        forwarded += static_cast<int>(keep);
        left += static_cast<int>(rest.size());
        if (!rest.empty()) {
          json::object rest_spec = spec.as_object();  // ProjectionExpression, ConsistentRead...
          rest_spec["Keys"] = std::move(rest);
          unprocessed[table] = std::move(rest_spec);
        }
      }
      Answer answer = forward(json::serialize(request));
      if (!answer.transport_ok || answer.status != 200) return answer;
      json::object reply = json::parse(answer.body).as_object();
      reply["UnprocessedKeys"] = std::move(unprocessed);
      answer.body = json::serialize(reply);
      std::lock_guard lock(mutex_);
      forwarded_keys_ += forwarded;
      unprocessed_keys_ += left;
      return answer;
    }

    if ((operation == "Query" || operation == "Scan") && page_limit) {
      json::object request = json::parse(body).as_object();
      request["Limit"] = *page_limit;
      return forward(json::serialize(request));
    }
    return forward(body);
  }

 private:
  static Answer throttled(Throttle kind) {
    switch (kind) {
      case Throttle::kThroughput:
        return {true, "", 400,
                R"({"__type":"com.amazonaws.dynamodb.v20120810#)"
                R"(ProvisionedThroughputExceededException","message":"slow down"})"};
      case Throttle::kInternal:
        return {true, "", 500,
                R"({"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError",)"
                R"("message":"internal"})"};
      case Throttle::kUnavailable:
        return {true, "", 503, "<html><body>Service Unavailable</body></html>"};
    }
    return {};
  }

  std::unique_ptr<net::AwsJsonTransport> inner_ = net::makeCurlAwsTransport();
  mutable std::mutex mutex_;
  bool split_writes_ = false;
  bool split_gets_ = false;
  std::optional<int> page_limit_;
  std::map<std::string, std::pair<int, Throttle>> throttles_;
  std::set<std::string> validation_;
  std::map<std::string, int> lost_answers_;
  std::map<std::string, int> calls_;
  std::map<std::string, std::vector<std::string>> bodies_;
  int forwarded_writes_ = 0;
  int forwarded_keys_ = 0;
  int unprocessed_writes_ = 0;
  int unprocessed_keys_ = 0;
};

// What a counting write's callback was given.
struct Counted {
  std::exception_ptr error;
  std::int64_t count = -1;
};

std::string messageOf(const std::exception_ptr& e) {
  if (!e) return "";
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown exception";
  }
}

bool isStoreError(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const StoreError&) {
    return true;
  } catch (...) {
    return false;
  }
}

std::vector<EpisodeRef> episodesIn(const std::string& folder, int count,
                                   const std::string& prefix = "e") {
  std::vector<EpisodeRef> episodes;
  for (int i = 0; i < count; ++i) {
    episodes.push_back({folder, prefix + std::to_string(i) + ".mkv"});
  }
  return episodes;
}

class DynamoDbStoreTest : public MotoTest {
 protected:
  void SetUp() override {
    MotoTest::SetUp();
    if (IsSkipped()) return;
    config_ = motoAwsConfig(moto_->url());
    plain_ = std::make_unique<aws::DynamoDbClient>(config_, *plain_transport_, kRetry);
    std::ostringstream out;
    aws::createTables(*plain_, tables_, false, out);
    auto transport = std::make_unique<FaultyTransport>();
    faults_ = transport.get();
    store_ = std::make_unique<DynamoDbStore>(DynamoDbStore::Options{config_, tables_, kRetry},
                                             std::move(transport));
  }

  Counted recordEpisodes(const std::string& user, std::vector<EpisodeRef> episodes,
                         std::int64_t timestamp) {
    std::promise<Counted> done;
    store_->recordEpisodes(user, std::move(episodes), stampAt(timestamp),
                           [&](Result<std::int64_t> r) {
                             done.set_value({errorOf(r), r.value.value_or(0)});
                           });
    return done.get_future().get();
  }

  // recordEpisodes that must succeed; returns the count.
  std::int64_t sync(const std::string& user, std::vector<EpisodeRef> episodes,
                    std::int64_t timestamp) {
    Counted c = recordEpisodes(user, std::move(episodes), timestamp);
    EXPECT_EQ(c.error, nullptr) << messageOf(c.error);
    return c.count;
  }

  std::exception_ptr putTvProgress(TvProgress p) {
    std::promise<std::exception_ptr> done;
    store_->putTvProgress(std::move(p), [&](Result<void> r) { done.set_value(errorOf(r)); });
    return done.get_future().get();
  }

  void addUser(const std::string& name) {
    ASSERT_TRUE(store_->addUser({name, "hash-of-" + name, false, "2025-01-01T00:00:00Z"}));
  }

  void putItem(const std::string& table, json::object item) {
    plain_->call("PutItem", {{"TableName", table}, {"Item", std::move(item)}});
  }

  std::optional<json::object> getItem(const std::string& table, json::object key) {
    json::object answer = plain_->call(
        "GetItem", {{"TableName", table}, {"Key", std::move(key)}, {"ConsistentRead", true}});
    auto* item = answer.if_contains("Item");
    if (item == nullptr || !item->is_object()) return std::nullopt;
    return item->get_object();
  }

  std::vector<json::object> scan(const std::string& table) {
    std::vector<json::object> items;
    json::object request{{"TableName", table}, {"ConsistentRead", true}};
    for (;;) {
      json::object page = plain_->call("Scan", request);
      if (auto* found = page.if_contains("Items"); found != nullptr) {
        for (auto& v : found->as_array()) items.push_back(v.as_object());
      }
      auto* last = page.if_contains("LastEvaluatedKey");
      if (last == nullptr || last->as_object().empty()) break;
      request["ExclusiveStartKey"] = *last;
    }
    return items;
  }

  static json::object pkSk(const std::string& pk, const std::string& sk) {
    return {{"pk", S(pk)}, {"sk", S(sk)}};
  }

  static constexpr aws::AwsRetryPolicy kRetry{5, 1ms, 5ms};

  net::AwsConfig config_;
  aws::TableNames tables_;
  std::unique_ptr<net::AwsJsonTransport> plain_transport_ = net::makeCurlAwsTransport();
  std::unique_ptr<aws::DynamoDbClient> plain_;
  FaultyTransport* faults_ = nullptr;  // owned by store_
  std::unique_ptr<DynamoDbStore> store_;
};

// ---- unprocessed batch remainders -----------------------------------------------------------

TEST_F(DynamoDbStoreTest, SyncResubmitsUnprocessedItemsAndKeysAndCountsOnce) {
  faults_->splitBatchWrites(true);
  faults_->splitBatchGets(true);
  std::vector<EpisodeRef> episodes = episodesIn("Alpha", 10);
  for (auto& e : episodesIn("Beta", 20)) episodes.push_back(e);
  for (auto& e : episodesIn("Gamma", 30)) episodes.push_back(e);

  EXPECT_EQ(sync("alice", episodes, kT0), 60);
  // 60 episodes and 3 shows: each entry went to moto exactly once, however it was split.
  EXPECT_EQ(faults_->forwardedWrites(), 63);
  EXPECT_GT(faults_->unprocessedWrites(), 0);
  EXPECT_GT(faults_->calls("BatchWriteItem"), 3);
  // 60 episode keys and 3 show keys were read, some only on a resubmission.
  EXPECT_EQ(faults_->forwardedKeys(), 63);
  EXPECT_GT(faults_->unprocessedKeys(), 0);
  EXPECT_GT(faults_->calls("BatchGetItem"), 2);

  // The same sync again adds nothing, writes nothing and counts nothing.
  const int writes_before = faults_->calls("BatchWriteItem");
  EXPECT_EQ(sync("alice", episodes, kT0 + 60), 0);
  EXPECT_EQ(faults_->calls("BatchWriteItem"), writes_before);

  auto shows = store_->listShows("alice");
  ASSERT_EQ(shows.size(), 3u);
  EXPECT_EQ(shows[0].folder_name, "Alpha");
  EXPECT_EQ(shows[1].folder_name, "Beta");
  EXPECT_EQ(shows[2].folder_name, "Gamma");

  domain::ProgressInput in = store_->progressInput("alice", utc(), 0);
  Sum daily = dailySum(in, ItemKind::kEpisode);
  EXPECT_EQ(daily.items, 60);
  EXPECT_EQ(daily.seconds, 60 * 1200);
  ASSERT_EQ(in.daily.size(), 1u);
  EXPECT_EQ(in.daily[0].day, utcDay(kT0));
  EXPECT_EQ(groupsOf(in, ItemKind::kEpisode),
            (std::map<std::string, std::int64_t>{{"Alpha", 10}, {"Beta", 20}, {"Gamma", 30}}));
  ASSERT_EQ(in.recent.size(), 1u);
  EXPECT_EQ(in.recent[0].timestamp, kT0);
  EXPECT_EQ(in.recent[0].items, 60);
  EXPECT_EQ(in.recent[0].seconds, 60 * 1200);
  EXPECT_EQ(in.first_timestamp, kT0);
  EXPECT_EQ(in.shows.size(), 3u);
}

TEST_F(DynamoDbStoreTest, CacheAndYoutubeGoThroughUnprocessedBatches) {
  faults_->splitBatchWrites(true);
  faults_->splitBatchGets(true);

  std::vector<storage::MetadataEntry> entries;
  for (int i = 0; i < 30; ++i) {
    entries.push_back(
        {"tvdb_series", std::to_string(i), "{\"id\":" + std::to_string(i) + "}", kT0 + i});
  }
  std::promise<std::exception_ptr> cached;
  store_->putCachedMetadata(entries, [&](Result<void> r) { cached.set_value(errorOf(r)); });
  auto error = cached.get_future().get();
  ASSERT_EQ(error, nullptr) << messageOf(error);
  EXPECT_EQ(faults_->forwardedWrites(), 30);
  for (int i = 0; i < 30; ++i) {
    auto entry = store_->cachedMetadata("tvdb_series", std::to_string(i));
    ASSERT_TRUE(entry) << i;
    EXPECT_EQ(entry->body, "{\"id\":" + std::to_string(i) + "}");
    EXPECT_EQ(entry->fetched_at, kT0 + i);
  }

  std::vector<domain::YoutubeVideo> videos;
  for (int i = 0; i < 30; ++i) {
    videos.push_back({"v" + std::to_string(i), "Video " + std::to_string(i),
                      i % 3 == 0 ? "UC1" : "UC2", i % 3 == 0 ? "One" : "Two", 100});
  }
  std::promise<Counted> recorded;
  store_->recordYoutubeVideos("dave", videos, stampAt(kT0), [&](Result<std::int64_t> r) {
    recorded.set_value({errorOf(r), r.value.value_or(0)});
  });
  Counted c = recorded.get_future().get();
  ASSERT_EQ(c.error, nullptr) << messageOf(c.error);
  EXPECT_EQ(c.count, 30);

  // Unprocessed keys of a lookup come back too, in the order asked.
  EXPECT_EQ(store_->existingYoutubeVideos("dave", {"v7", "nope", "v0", "v29", "v30"}),
            (std::vector<std::string>{"v7", "v0", "v29"}));

  // 150 keys: two BatchGetItem batches (100 + 50). Not split: halving a batch of 100 down to
  // nothing takes 7 rounds with their backoff.
  faults_->splitBatchGets(false);
  const int batch_gets = faults_->calls("BatchGetItem");
  std::vector<std::string> keys;
  for (int i = 149; i >= 0; --i) keys.push_back("v" + std::to_string(i));
  std::vector<std::string> expected;
  for (int i = 29; i >= 0; --i) expected.push_back("v" + std::to_string(i));
  EXPECT_EQ(store_->existingYoutubeVideos("dave", keys), expected);
  EXPECT_EQ(faults_->calls("BatchGetItem") - batch_gets, 2);

  domain::ProgressInput in = store_->progressInput("dave", utc(), 0);
  Sum daily = dailySum(in, ItemKind::kYoutubeVideo);
  EXPECT_EQ(daily.items, 30);
  EXPECT_EQ(daily.seconds, 3000);
  EXPECT_EQ(groupsOf(in, ItemKind::kYoutubeVideo),
            (std::map<std::string, std::int64_t>{{"UC1", 10}, {"UC2", 20}}));
  std::sort(in.youtube_channels.begin(), in.youtube_channels.end());
  EXPECT_EQ(in.youtube_channels, (std::vector<domain::GroupInfo>{{"UC1", "One"}, {"UC2", "Two"}}));
}

// ---- paging ----------------------------------------------------------------------------------

TEST_F(DynamoDbStoreTest, EveryListingPagesThroughLimitThree) {
  faults_->pageLimit(3);

  for (int i = 1; i <= 5; ++i) addUser("u" + std::to_string(i));
  int queries = faults_->calls("Query");
  auto users = store_->listUsers();
  EXPECT_GE(faults_->calls("Query") - queries, 2);
  ASSERT_EQ(users.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(users[i].name, "u" + std::to_string(i + 1));

  std::vector<EpisodeRef> episodes;
  for (int show = 0; show < 7; ++show) {
    for (auto& e : episodesIn("Show" + std::to_string(show), show + 1)) episodes.push_back(e);
  }
  EXPECT_EQ(sync("u1", episodes, kT0), 28);
  auto shows = store_->listShows("u1");
  ASSERT_EQ(shows.size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(shows[i].folder_name, "Show" + std::to_string(i));

  for (int i = 0; i < 7; ++i) {
    ASSERT_EQ(putTvProgress(progress("u1", "Series " + std::to_string(i), 1, i)), nullptr);
  }
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(putTvProgress(progress("u2", "Series " + std::to_string(i), 2, i)), nullptr);
  }
  auto tv = store_->listTvProgress("u1");
  ASSERT_EQ(tv.size(), 7u);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(tv[i].tv_show, "Series " + std::to_string(i));
    EXPECT_EQ(tv[i].episode, i);
  }

  const int scans = faults_->calls("Scan");
  EXPECT_EQ(store_->listAllTvProgress(0, std::nullopt).entries.size(), 9u);
  EXPECT_GE(faults_->calls("Scan") - scans, 3);
  std::vector<storage::TvProgressKey> all;
  std::optional<storage::TvProgressKey> after;
  int pages = 0;
  do {
    ASSERT_LT(++pages, 10);
    storage::TvProgressPage page = store_->listAllTvProgress(4, after);
    EXPECT_LE(page.entries.size(), 4u);
    for (const auto& p : page.entries) all.emplace_back(p.username, p.tv_show);
    after = page.next;
  } while (after);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 9u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::set<storage::TvProgressKey>(all.begin(), all.end()).size(), 9u);
  EXPECT_EQ(all.front(), (storage::TvProgressKey{"u1", "Series 0"}));
  EXPECT_EQ(all.back(), (storage::TvProgressKey{"u2", "Series 1"}));

  for (int i = 0; i < 5; ++i) {
    store_->addToken({"t" + std::to_string(i), "u1", "label " + std::to_string(i),
                      "2025-01-0" + std::to_string(i + 1) + "T00:00:00Z"},
                     "hash-u1-" + std::to_string(i));
  }
  store_->addToken({"b0", "u2", "", "2025-01-01T00:00:00Z"}, "hash-u2-0");
  store_->addToken({"b1", "u2", "", "2025-01-02T00:00:00Z"}, "hash-u2-1");
  auto tokens = store_->listTokens("u1");
  ASSERT_EQ(tokens.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(tokens[i].id, "t" + std::to_string(i));
  EXPECT_EQ(store_->revokeTokens("u1", "t2"), 1);
  EXPECT_EQ(store_->listTokens("u1").size(), 4u);
  EXPECT_EQ(store_->revokeTokens("u1", ""), 4);
  EXPECT_TRUE(store_->listTokens("u1").empty());
  EXPECT_EQ(store_->listTokens("u2").size(), 2u);
  auto owner = store_->findUserByTokenHash("hash-u2-1");
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->name, "u2");

  domain::ProgressInput in = store_->progressInput("u1", utc(), 0);
  Sum daily = dailySum(in, ItemKind::kEpisode);
  EXPECT_EQ(daily.items, 28);
  EXPECT_EQ(daily.seconds, 28 * 1200);
  auto groups = groupsOf(in, ItemKind::kEpisode);
  ASSERT_EQ(groups.size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(groups["Show" + std::to_string(i)], i + 1);
  EXPECT_EQ(in.shows.size(), 7u);
  EXPECT_EQ(recentSum(in, ItemKind::kEpisode).items, 28);
  EXPECT_EQ(in.first_timestamp, kT0);
}

// ---- throttling and server errors ------------------------------------------------------------

TEST_F(DynamoDbStoreTest, ThrottledPutSucceedsOnTheThirdCall) {
  faults_->throttle("PutItem", 2);
  auto error = putTvProgress(progress("alice", "Lost", 2, 5));
  EXPECT_EQ(error, nullptr) << messageOf(error);
  EXPECT_EQ(faults_->calls("PutItem"), 3);
  auto stored = store_->getTvProgress("alice", "Lost");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->season, 2);
  EXPECT_EQ(stored->episode, 5);
}

TEST_F(DynamoDbStoreTest, ServerErrorsAndNonJsonUnavailableAreRetried) {
  addUser("alice");
  faults_->throttle("GetItem", 3, Throttle::kInternal);
  auto user = store_->findUser("alice");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->password_hash, "hash-of-alice");
  EXPECT_EQ(faults_->calls("GetItem"), 4);

  faults_->throttle("Query", 2, Throttle::kUnavailable);
  const int queries = faults_->calls("Query");
  auto users = store_->listUsers();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(faults_->calls("Query") - queries, 3);
}

TEST_F(DynamoDbStoreTest, ThrottledSyncStepsAreRetriedAndCountedOnce) {
  faults_->throttle("BatchGetItem", 2);
  faults_->throttle("BatchWriteItem", 2, Throttle::kInternal);
  faults_->throttle("TransactWriteItems", 2, Throttle::kUnavailable);
  EXPECT_EQ(sync("alice", episodesIn("Show", 10), kT0), 10);
  EXPECT_EQ(faults_->calls("TransactWriteItems"), 3);
  domain::ProgressInput in = store_->progressInput("alice", utc(), 0);
  Sum daily = dailySum(in, ItemKind::kEpisode);
  EXPECT_EQ(daily.items, 10);
  EXPECT_EQ(daily.seconds, 10 * 1200);
  EXPECT_EQ(groupsOf(in, ItemKind::kEpisode), (std::map<std::string, std::int64_t>{{"Show", 10}}));
}

TEST_F(DynamoDbStoreTest, ThrottlingBeyondTheRetryPolicyIsAStoreError) {
  addUser("alice");
  faults_->throttle("GetItem", kRetry.max_attempts);
  EXPECT_THROW(store_->findUser("alice"), StoreError);
  EXPECT_EQ(faults_->calls("GetItem"), kRetry.max_attempts);
  EXPECT_TRUE(store_->findUser("alice"));  // the throttling is over
}

// ---- errors that are not retried ---------------------------------------------------------------

TEST_F(DynamoDbStoreTest, ValidationErrorIsNotRetriedAndIsAStoreError) {
  faults_->failOnceWithValidation("PutItem");
  auto error = putTvProgress(progress("alice", "Lost", 1, 1));
  ASSERT_NE(error, nullptr);
  EXPECT_TRUE(isStoreError(error)) << messageOf(error);
  EXPECT_NE(messageOf(error).find("ValidationException"), std::string::npos) << messageOf(error);
  EXPECT_EQ(faults_->calls("PutItem"), 1);
  EXPECT_FALSE(store_->getTvProgress("alice", "Lost"));

  EXPECT_EQ(putTvProgress(progress("alice", "Lost", 1, 1)), nullptr);
  EXPECT_EQ(faults_->calls("PutItem"), 2);

  faults_->failOnceWithValidation("GetItem");
  const int gets = faults_->calls("GetItem");
  EXPECT_THROW(store_->getTvProgress("alice", "Lost"), StoreError);
  EXPECT_EQ(faults_->calls("GetItem") - gets, 1);
  EXPECT_TRUE(store_->getTvProgress("alice", "Lost"));
}

TEST_F(DynamoDbStoreTest, FailedAggregateTransactionHasTheTotalsRebuilt) {
  EXPECT_EQ(sync("alice", episodesIn("Show", 3), kT0), 3);
  // The items of the next sync are written, their counting transaction fails.
  faults_->failOnceWithValidation("TransactWriteItems");
  Counted failed = recordEpisodes("alice", episodesIn("Show", 5, "new"), kT0 + 3600);
  ASSERT_NE(failed.error, nullptr);
  EXPECT_TRUE(isStoreError(failed.error)) << messageOf(failed.error);
  EXPECT_EQ(failed.count, 0);

  // The aggregates were marked stale: the next read rebuilds them from the items.
  domain::ProgressInput in = store_->progressInput("alice", utc(), 0);
  EXPECT_EQ(dailySum(in, ItemKind::kEpisode).items, 8);
  EXPECT_EQ(dailySum(in, ItemKind::kEpisode).seconds, 8 * 1200);
  EXPECT_EQ(groupsOf(in, ItemKind::kEpisode), (std::map<std::string, std::int64_t>{{"Show", 8}}));
  auto totals = getItem(tables_.immersion, pkSk("IT#TOTALS#alice", "TOTALS"));
  ASSERT_TRUE(totals);
  EXPECT_EQ(stringOf(*totals, "zone"), "UTC");

  // The client's retry of the failed sync finds its items and counts nothing twice.
  Counted retried = recordEpisodes("alice", episodesIn("Show", 5, "new"), kT0 + 3600);
  EXPECT_EQ(retried.error, nullptr) << messageOf(retried.error);
  in = store_->progressInput("alice", utc(), 0);
  EXPECT_EQ(dailySum(in, ItemKind::kEpisode).items, 8);
}

// ---- answers lost after the write was done ------------------------------------------------------

TEST_F(DynamoDbStoreTest, LostAnswersOfIdempotentWritesAreHarmless) {
  faults_->loseAnswers("PutItem", 1);
  EXPECT_EQ(putTvProgress(progress("alice", "Lost", 1, 2)), nullptr);
  EXPECT_EQ(faults_->calls("PutItem"), 2);
  EXPECT_EQ(store_->listTvProgress("alice").size(), 1u);

  faults_->loseAnswers("BatchGetItem", 1);
  faults_->loseAnswers("BatchWriteItem", 1);
  EXPECT_EQ(sync("alice", episodesIn("Show", 10), kT0), 10);
  domain::ProgressInput in = store_->progressInput("alice", utc(), 0);
  EXPECT_EQ(dailySum(in, ItemKind::kEpisode).items, 10);
  EXPECT_EQ(groupsOf(in, ItemKind::kEpisode), (std::map<std::string, std::int64_t>{{"Show", 10}}));
}

// The aggregates' TransactWriteItems (ADD) is retried by DynamoDbClient after a 500 or a
// transport error, but a 500 may come after the transaction committed: without a
// ClientRequestToken, DynamoDB would apply it again and count the sync twice. With the same
// token on every retry of one transaction, DynamoDB answers the retry without applying it.
// moto ignores the token, so this checks the requests rather than the totals.
TEST_F(DynamoDbStoreTest, AggregateTransactionsCarryAnIdempotencyToken) {
  faults_->loseAnswers("TransactWriteItems", 1);
  EXPECT_EQ(sync("alice", episodesIn("Show", 10), kT0), 10);
  std::vector<std::string> bodies = faults_->bodies("TransactWriteItems");
  ASSERT_EQ(bodies.size(), 2u);
  std::vector<std::string> tokens;
  for (const auto& body : bodies) {
    json::object request = json::parse(body).as_object();
    auto* token = request.if_contains("ClientRequestToken");
    ASSERT_TRUE(token != nullptr && token->is_string() && !token->get_string().empty()) << body;
    tokens.emplace_back(token->get_string());
  }
  EXPECT_EQ(tokens[0], tokens[1]);
}

// When the answer to the lease's conditional PutItem is lost after the lease was written,
// DynamoDbClient retries it: the lease is then already the store's own, which must not make
// the write wait for it (30 s, then fail) nor have the aggregates rebuilt.
TEST_F(DynamoDbStoreTest, LostLeaseAnswerDoesNotBlockTheWrite) {
  faults_->loseAnswers("PutItem", 1);
  Counted c = recordEpisodes("alice", episodesIn("Show", 10), kT0);
  EXPECT_EQ(c.error, nullptr) << messageOf(c.error);
  EXPECT_EQ(c.count, 10);
}

// ---- removing a user ---------------------------------------------------------------------------

TEST_F(DynamoDbStoreTest, RemoveUserRemovesEverythingOfTheUserOnly) {
  addUser("alice");
  addUser("bob");
  std::vector<EpisodeRef> episodes = episodesIn("Show A", 20);
  for (auto& e : episodesIn("Show B", 15)) episodes.push_back(e);
  EXPECT_EQ(sync("alice", episodes, kT0), 35);
  EXPECT_EQ(sync("alice", episodesIn("Show C", 2), kT0 + 86400), 2);
  EXPECT_EQ(sync("bob", episodesIn("Show A", 3), kT0), 3);
  store_->addToken({"a1", "alice", "", "2025-01-01T00:00:00Z"}, "hash-a1");
  store_->addToken({"a2", "alice", "", "2025-01-02T00:00:00Z"}, "hash-a2");
  store_->addToken({"b1", "bob", "", "2025-01-01T00:00:00Z"}, "hash-b1");
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(putTvProgress(progress("alice", "Series " + std::to_string(i), 1, i)), nullptr);
  }
  ASSERT_EQ(putTvProgress(progress("bob", "Series 0", 3, 3)), nullptr);
  // So that totals exist, in the zone of the reads.
  EXPECT_EQ(dailySum(store_->progressInput("alice", utc(), 0), ItemKind::kEpisode).items, 37);

  // Deletions in batches that come back half unprocessed, found through small pages.
  faults_->splitBatchWrites(true);
  faults_->pageLimit(3);
  EXPECT_TRUE(store_->removeUser("alice"));
  EXPECT_GT(faults_->unprocessedWrites(), 0);

  for (const auto& item : scan(tables_.immersion)) {
    const std::string pk = stringOf(item, "pk").value_or("");
    const std::string sk = stringOf(item, "sk").value_or("");
    EXPECT_EQ(pk.find("alice"), std::string::npos) << pk << " / " << sk;
    EXPECT_NE(sk, "alice") << pk;
    EXPECT_NE(stringOf(item, "username"), "alice") << pk << " / " << sk;
    EXPECT_NE(stringOf(item, "user"), "alice") << pk << " / " << sk;
  }
  for (const auto& item : scan(tables_.tv_progress)) {
    EXPECT_NE(stringOf(item, "username"), "alice") << stringOf(item, "tv_show").value_or("");
  }
  EXPECT_FALSE(store_->findUser("alice"));
  EXPECT_FALSE(store_->findUserByTokenHash("hash-a1"));
  EXPECT_FALSE(store_->removeUser("alice"));

  // Bob is untouched.
  EXPECT_TRUE(store_->findUser("bob"));
  EXPECT_EQ(store_->listTokens("bob").size(), 1u);
  EXPECT_EQ(store_->listTvProgress("bob").size(), 1u);
  EXPECT_EQ(store_->listShows("bob").size(), 1u);
  domain::ProgressInput bob = store_->progressInput("bob", utc(), 0);
  EXPECT_EQ(dailySum(bob, ItemKind::kEpisode).items, 3);
  EXPECT_EQ(groupsOf(bob, ItemKind::kEpisode),
            (std::map<std::string, std::int64_t>{{"Show A", 3}}));

  // Alice starts from nothing when she comes back.
  domain::ProgressInput alice = store_->progressInput("alice", utc(), 0);
  EXPECT_TRUE(alice.daily.empty());
  EXPECT_TRUE(alice.groups.empty());
  EXPECT_FALSE(alice.first_timestamp);
}

// ---- data written by the original --------------------------------------------------------------

TEST_F(DynamoDbStoreTest, OriginalsItemsGetTheirAggregatesBuiltOnFirstRead) {
  const std::string& table = tables_.immersion;
  auto episode = [&](const std::string& file, std::int64_t timestamp) {
    json::object item = pkSk("USER#carol", "EPISODE#Show#" + file);
    item["user"] = S("carol");
    item["folder_name"] = S("Show");
    item["file_name"] = S(file);
    item["timestamp"] = N(timestamp);
    item["version"] = N(1);
    putItem(table, std::move(item));
  };
  episode("e1.mkv", kT0);
  episode("e2.mkv", kT0 + 86400);
  {
    json::object show = pkSk("USER#carol", "SHOW#Show");
    show["user"] = S("carol");
    show["folder_name"] = S("Show");
    show["tvdb_average_runtime"] = N(1800);
    show["tvdb_id"] = N(81189);
    show["tvdb_name"] = S("Breaking Bad");
    show["version"] = N(2);
    putItem(table, std::move(show));
  }
  {
    json::object video = pkSk("USER#carol", "YOUTUBEVIDEO#vid1");
    video["user"] = S("carol");
    video["youtube_video_id"] = S("vid1");
    video["youtube_video_title"] = S("A video");
    video["youtube_channel_id"] = S("UC1");
    video["youtube_video_duration"] = N(600);
    video["timestamp"] = N(kT0 - 3600);
    video["version"] = N(1);
    putItem(table, std::move(video));
    json::object channel = pkSk("USER#carol", "YOUTUBECHANNEL#UC1");
    channel["user"] = S("carol");
    channel["youtube_channel_id"] = S("UC1");
    channel["youtube_channel_title"] = S("Channel One");
    channel["version"] = N(1);
    putItem(table, std::move(channel));
  }
  ASSERT_FALSE(getItem(table, pkSk("IT#TOTALS#carol", "TOTALS")));

  faults_->pageLimit(3);
  domain::ProgressInput in = store_->progressInput("carol", utc(), 0);
  EXPECT_EQ(dailyOf(in, ItemKind::kEpisode),
            (std::vector<Day>{{utcDay(kT0), 1, 1800}, {utcDay(kT0 + 86400), 1, 1800}}));
  EXPECT_EQ(dailyOf(in, ItemKind::kYoutubeVideo), (std::vector<Day>{{utcDay(kT0 - 3600), 1, 600}}));
  EXPECT_EQ(groupsOf(in, ItemKind::kEpisode), (std::map<std::string, std::int64_t>{{"Show", 2}}));
  EXPECT_EQ(groupsOf(in, ItemKind::kYoutubeVideo),
            (std::map<std::string, std::int64_t>{{"UC1", 1}}));
  EXPECT_EQ(in.first_timestamp, kT0 - 3600);
  // A rebuild writes the sync-time aggregates of the user's last 9 days (before the latest
  // item): all three here.
  EXPECT_EQ(recentSum(in, ItemKind::kEpisode).items, 2);
  EXPECT_EQ(recentSum(in, ItemKind::kEpisode).seconds, 3600);
  EXPECT_EQ(recentSum(in, ItemKind::kYoutubeVideo).seconds, 600);
  ASSERT_EQ(in.shows.size(), 1u);
  EXPECT_EQ(in.shows[0].folder_name, "Show");
  EXPECT_EQ(in.shows[0].tvdb_id, 81189);
  EXPECT_EQ(in.shows[0].tvdb_name, "Breaking Bad");
  EXPECT_EQ(in.shows[0].average_runtime_seconds, 1800);
  EXPECT_EQ(in.youtube_channels, (std::vector<domain::GroupInfo>{{"UC1", "Channel One"}}));

  auto totals = getItem(table, pkSk("IT#TOTALS#carol", "TOTALS"));
  ASSERT_TRUE(totals);
  EXPECT_EQ(stringOf(*totals, "zone"), "UTC");
  EXPECT_EQ(numberOf(*totals, "first_timestamp"), kT0 - 3600);

  // A new episode of the tagged show counts its runtime, on top of the rebuilt totals.
  EXPECT_EQ(sync("carol", {{"Show", "e3.mkv"}, {"Show", "e1.mkv"}}, kT0 + 86400), 1);
  in = store_->progressInput("carol", utc(), 0);
  EXPECT_EQ(dailyOf(in, ItemKind::kEpisode),
            (std::vector<Day>{{utcDay(kT0), 1, 1800}, {utcDay(kT0 + 86400), 2, 3600}}));
  EXPECT_EQ(groupsOf(in, ItemKind::kEpisode), (std::map<std::string, std::int64_t>{{"Show", 3}}));
  auto show = store_->findShow("carol", "Show");
  ASSERT_TRUE(show);
  EXPECT_EQ(show->version, 2);  // left alone
}

// ---- the write lease ---------------------------------------------------------------------------

TEST_F(DynamoDbStoreTest, ExpiredLeaseIsTakenOverAndTheTotalsRebuilt) {
  const std::int64_t now = std::time(nullptr);
  const std::int64_t t0 = now - 3 * 86400;
  EXPECT_EQ(sync("alice", episodesIn("Show", 5), t0), 5);
  const std::string& table = tables_.immersion;
  {
    // A writer that died holding the lease, after writing an item it never counted.
    json::object lease = pkSk("IT#TOTALS#alice", "LEASE");
    lease["owner"] = S("dead");
    lease["expires"] = N(now - 10);
    putItem(table, std::move(lease));
    json::object ghost = pkSk("USER#alice", "EPISODE#Show#ghost.mkv");
    ghost["user"] = S("alice");
    ghost["folder_name"] = S("Show");
    ghost["file_name"] = S("ghost.mkv");
    ghost["timestamp"] = N(t0 + 60);
    ghost["version"] = N(1);
    putItem(table, std::move(ghost));
  }

  EXPECT_EQ(sync("alice", {{"Show", "new.mkv"}, {"Show", "e0.mkv"}}, t0 + 120), 1);
  domain::ProgressInput in = store_->progressInput("alice", utc(), 0);
  EXPECT_EQ(dailySum(in, ItemKind::kEpisode).items, 7);
  EXPECT_EQ(dailySum(in, ItemKind::kEpisode).seconds, 7 * 1200);
  EXPECT_EQ(groupsOf(in, ItemKind::kEpisode), (std::map<std::string, std::int64_t>{{"Show", 7}}));
  EXPECT_EQ(recentSum(in, ItemKind::kEpisode).items, 7);
  EXPECT_EQ(in.recent.size(), 3u);  // t0, t0 + 60 (the ghost's), t0 + 120
  // Released after the write.
  EXPECT_FALSE(getItem(table, pkSk("IT#TOTALS#alice", "LEASE")));
}

}  // namespace
}  // namespace it::test
