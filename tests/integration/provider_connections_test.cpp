// The providers' HTTP client keeps its connections alive (performance issue): a sync's provider
// calls go over the connections already open to that provider, whatever the number of calls,
// and provider threads calling at once open at most one connection each and keep it for their
// next calls. Checked against the fake providers, which count the TCP connections they accept
// (and keep them alive as the real APIs do). bench/providers.sh measures what it saves.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_providers.hpp"
#include "integration/server_fixture.hpp"
#include "net/curl_client.hpp"

namespace it::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// As many callers at once as the server has provider threads here.
constexpr int kCallers = 8;

// A valid YouTube video id (11 characters), distinct for each (`prefix`, `n`).
std::string videoId(char prefix, int n) {
  char id[16];
  std::snprintf(id, sizeof id, "%c%010d", prefix, n);
  return id;
}

std::string channelId(int n) { return "UCchannel" + std::to_string(n); }

std::string idsBody(const std::vector<std::string>& ids) {
  json::array list;
  for (const auto& id : ids) list.push_back(json::value(id));
  return json::serialize(json::object{{"video_ids", std::move(list)}});
}

class ProviderConnectionsTest : public ServerTest {
 protected:
  // Outbound connections do not depend on the store, and on moto checking which of thousands
  // of videos a user has takes most of a request's time budget for provider lookups.
  void SetUp() override {
    if (onDynamoDb()) GTEST_SKIP() << "the providers' connections are the same on either store";
    ServerTest::SetUp();
  }

  void adjust(app::Config& config) override {
    config.providers = fake_.settings();
    config.provider_threads = kCallers;
    for (int c = 0; c < 20; ++c) fake_.addChannel(channelId(c), "Channel " + std::to_string(c));
  }

  // `count` videos the fake knows, over the 20 channels.
  std::vector<std::string> addVideos(char prefix, int count) {
    std::vector<std::string> ids;
    for (int n = 0; n < count; ++n) {
      ids.push_back(videoId(prefix, n));
      fake_.addVideo(ids.back(), "Video " + ids.back(), channelId(n % 20), "Channel", "PT4M");
    }
    return ids;
  }

  // Syncs `ids` as `user`; expects every one of them added.
  void sync(const std::string& user, const std::vector<std::string>& ids) {
    auto r = clientFor(user)->post("/syncyoutube", idsBody(ids));
    ASSERT_EQ(r.status, 200) << r.body;
    auto answer = json::parse(r.body);
    EXPECT_EQ(answer.at("videos_added"), static_cast<std::int64_t>(ids.size())) << r.body;
    EXPECT_TRUE(answer.at("failed").as_array().empty()) << r.body;
  }

  FakeProviders fake_;
};

TEST_F(ProviderConnectionsTest, ASyncOf1000VideosMakesAllItsProviderCallsOnOneConnection) {
  sync("alice", addVideos('a', 1000));
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 20);  // 50 ids a call
  EXPECT_EQ(fake_.requestCount("/youtube/v3/channels"), 1);
  EXPECT_EQ(fake_.connectionCount(), 1);

  // The next sync, later, still finds that connection open.
  sync("bob", addVideos('b', 100));
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 22);
  EXPECT_EQ(fake_.connectionCount(), 1);
}

TEST_F(ProviderConnectionsTest, ProviderThreadsCallingAtOnceKeepAConnectionEach) {
  std::vector<std::string> users = {"alice", "bob", "root"};
  for (int u = static_cast<int>(users.size()); u < kCallers; ++u) {
    users.push_back("user" + std::to_string(u));
    addUser(users.back(), false);
  }
  // Slow enough that the callers' lookups overlap.
  fake_.setDelay("/youtube/v3/videos", 5ms);
  for (char round : {'r', 's'}) {
    std::vector<std::thread> clients;
    for (int u = 0; u < kCallers; ++u) {
      // 500 videos each: 10 calls per user and round.
      std::vector<std::string> ids;
      for (int n = 0; n < 500; ++n) {
        ids.push_back(videoId(round, u * 1000 + n));
        fake_.addVideo(ids.back(), "Video", channelId(n % 20), "Channel", "PT4M");
      }
      clients.emplace_back([this, user = users[u], ids = std::move(ids)] { sync(user, ids); });
    }
    for (auto& c : clients) c.join();
    // At most one connection per caller, and the second round opens none: each caller's
    // connection was kept while it was idle.
    EXPECT_LE(fake_.connectionCount(), kCallers) << "round " << round;
  }
  EXPECT_EQ(fake_.requestCount("/youtube/v3/videos"), 2 * kCallers * 10);
}

// The providers' transport itself, 8 threads calling the fake 25 times each.
class TransportConnectionsTest : public ::testing::Test {
 protected:
  // Every call answered 200; returns how many were.
  int callFromThreads(net::CurlTransport& transport, int threads, int calls_each) {
    fake_.addVideo("dQw4w9WgXcQ", "Never Gonna Give You Up", "UC1", "Rick", "PT3M33S");
    std::string url = fake_.baseUrl() + "/youtube/v3/videos?part=snippet&id=dQw4w9WgXcQ&key=" +
                      FakeProviders::kYoutubeApiKey;
    std::atomic<int> ok{0};
    std::vector<std::thread> callers;
    for (int t = 0; t < threads; ++t) {
      callers.emplace_back([&] {
        for (int i = 0; i < calls_each; ++i) {
          net::TransportResult r = transport.send({"GET", url, {}, ""});
          if (r.response && r.response->status == 200) ++ok;
        }
      });
    }
    for (auto& c : callers) c.join();
    return ok;
  }

  FakeProviders fake_;
};

TEST_F(TransportConnectionsTest, ThreadsCallingAtOnceOpenAtMostAConnectionEach) {
  net::CurlTransport transport(net::CurlTransport::Options{});
  fake_.setDelay("/youtube/v3/videos", 2ms);
  EXPECT_EQ(callFromThreads(transport, kCallers, 25), kCallers * 25);
  EXPECT_LE(fake_.connectionCount(), kCallers);
  // Later calls, one thread after the other, use the connections kept.
  int before = fake_.connectionCount();
  EXPECT_EQ(callFromThreads(transport, 1, 25), 25);
  EXPECT_EQ(fake_.connectionCount(), before);
}

// What the benchmark's "without reuse" costs: the fake closing every connection after its
// answer means one connection per call.
TEST_F(TransportConnectionsTest, AFakeThatClosesEveryConnectionGetsOnePerCall) {
  net::CurlTransport transport(net::CurlTransport::Options{});
  fake_.closeEveryConnection(true);
  EXPECT_EQ(callFromThreads(transport, 2, 10), 20);
  EXPECT_EQ(fake_.connectionCount(), 20);
}

}  // namespace
}  // namespace it::test
