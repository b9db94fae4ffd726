// `immersion-tracker sync` sending its items in batches: how the items are packed into
// requests within a budget of bytes (pure), the bar that counts them on a terminal, and whole
// runs against a fake server with a small body limit: the budget halved at each 413, the
// batches reported as one request, and what is kept when a batch fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "client/api_client.hpp"
#include "client/summary.hpp"
#include "client/sync/common.hpp"
#include "client/sync/steps.hpp"
#include "client/sync_command.hpp"
#include "client/terminal.hpp"
#include "net/http_transport.hpp"
#include "support/temp_dir.hpp"

namespace it::client {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using sync::itemsThatFit;
using sync::packBatches;

// ---- packing (pure) ------------------------------------------------------------------------

TEST(SyncBatches, PacksItemsUntilTheNextWouldPassTheBudget) {
  // A body of 10 bytes around the list; items of 5 bytes: 10 + 5 + (1 + 5) * (n - 1).
  const std::vector<std::size_t> sizes(10, 5);
  EXPECT_EQ(itemsThatFit(sizes, 10, 15), 1u);
  EXPECT_EQ(itemsThatFit(sizes, 10, 21), 2u);
  EXPECT_EQ(itemsThatFit(sizes, 10, 26), 2u);
  EXPECT_EQ(itemsThatFit(sizes, 10, 27), 3u);
  EXPECT_EQ(itemsThatFit(sizes, 10, 1000), 10u);
  EXPECT_EQ(packBatches(sizes, 10, 27), (std::vector<std::size_t>{3, 3, 3, 1}));
  EXPECT_EQ(packBatches(sizes, 10, 1000), (std::vector<std::size_t>{10}));
}

TEST(SyncBatches, ABodyOfExactlyTheBudgetFitsAndOneByteMoreDoesNot) {
  const std::vector<std::size_t> sizes{7, 3, 9};
  const std::size_t whole = 12 + 7 + 1 + 3 + 1 + 9;  // 33 bytes with every item
  EXPECT_EQ(itemsThatFit(sizes, 12, whole), 3u);
  EXPECT_EQ(itemsThatFit(sizes, 12, whole - 1), 2u);
  EXPECT_EQ(packBatches(sizes, 12, whole - 1), (std::vector<std::size_t>{2, 1}));
  EXPECT_EQ(itemsThatFit(sizes, 12, 12 + 7), 1u);
  EXPECT_EQ(itemsThatFit(sizes, 12, 12 + 7 + 1 + 3), 2u);
}

TEST(SyncBatches, AnItemOverTheBudgetGoesAloneAndNothingIsLost) {
  // The oversized item first, in the middle, last: each is a batch of its own.
  EXPECT_EQ(packBatches(std::vector<std::size_t>{100, 1, 1}, 10, 20),
            (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(packBatches(std::vector<std::size_t>{1, 1, 100, 1}, 10, 20),
            (std::vector<std::size_t>{2, 1, 1}));
  EXPECT_EQ(packBatches(std::vector<std::size_t>{1, 100}, 10, 20),
            (std::vector<std::size_t>{1, 1}));
  // A budget under the empty body: one item a request.
  EXPECT_EQ(packBatches(std::vector<std::size_t>{1, 1, 1}, 10, 5),
            (std::vector<std::size_t>{1, 1, 1}));
  EXPECT_EQ(itemsThatFit({}, 10, 20), 0u);
  EXPECT_TRUE(packBatches({}, 10, 20).empty());
}

TEST(SyncBatches, ATypicalSyncIsOneRequestOfTheFirstBudget) {
  // 5,000 episodes of about 80 bytes: 400 KB, under 1 MiB.
  const std::vector<std::size_t> sizes(5000, 80);
  EXPECT_EQ(packBatches(sizes, 15, sync::kFirstBodyBudget).size(), 1u);
  // 100,000 of them: 8 MB, in requests of at most 1 MiB.
  const std::vector<std::size_t> many(100'000, 80);
  auto batches = packBatches(many, 15, sync::kFirstBodyBudget);
  EXPECT_EQ(batches.size(), 8u);
  EXPECT_EQ(batches.front(), (sync::kFirstBodyBudget - 15 + 1) / 81);
}

// ---- the bar -------------------------------------------------------------------------------

TEST(CountProgressBar, CountsItemsWithThousandsSeparators) {
  EXPECT_EQ(countProgressBar("Syncing episodes", 40'000, 100'000),
            "Syncing episodes  [########............]  40%  40,000 of 100,000");
  EXPECT_EQ(countProgressBar("Syncing episodes", 0, 999),
            "Syncing episodes  [....................]   0%  0 of 999");
  EXPECT_EQ(countProgressBar("Syncing episodes", 1'234'567, 1'234'567),
            "Syncing episodes  [####################] 100%  1,234,567 of 1,234,567");
  EXPECT_EQ(countProgressBar("x", 99'999, 100'000),
            "x  [###################.]  99%  99,999 of 100,000");
  EXPECT_EQ(countProgressBar("x", 5, 0), "x  [####################] 100%  0 of 0");
  // Shortened like the byte bar to fit the columns.
  EXPECT_EQ(countProgressBar("Syncing Spotify episodes", 1, 2, 50),
            "Synci...sodes  [##########..........]  50%  1 of 2");
}

// ---- whole runs against a fake server ------------------------------------------------------

// The server's side of a sync: POST /sync, /syncyoutube and /syncspotify with a body limit
// (413 past it, as src/http answers), GET /shows and GET /progress. Records every request.
class FakeSyncServer : public net::HttpTransport {
 public:
  explicit FakeSyncServer(std::size_t max_body_bytes) : max_body_bytes_(max_body_bytes) {}

  net::TransportResult send(const net::OutboundRequest& request) override {
    std::string path = request.url.substr(request.url.find('/', 8) + 1);
    path = path.substr(0, path.find('?'));
    requests.push_back({request.method + " " + path, request.body.size()});
    net::TransportResult result;
    result.response = answer(request.method, path, request.body);
    return result;
  }

  struct Seen {
    std::string what;  // "POST sync"
    std::size_t body_bytes;
  };
  std::vector<Seen> requests;
  std::vector<std::string> episodes;   // "folder/file", in the order they came
  std::vector<std::string> video_ids;  // likewise
  int fail_sync_after = -1;            // answer 500 to the POST /sync after this many succeeded
  std::set<std::string> unknown_videos;

  std::size_t count(const std::string& what) const {
    std::size_t n = 0;
    for (const auto& r : requests) n += r.what == what ? 1 : 0;
    return n;
  }
  // The largest body the server took.
  std::size_t largestTaken(const std::string& what) const {
    std::size_t most = 0;
    for (const auto& r : requests) {
      if (r.what == what && r.body_bytes <= max_body_bytes_) most = std::max(most, r.body_bytes);
    }
    return most;
  }

 private:
  static net::OutboundResponse reply(long status, const json::object& body) {
    return net::OutboundResponse{status, json::serialize(body), {}};
  }

  net::OutboundResponse answer(const std::string& method, const std::string& path,
                               const std::string& body) {
    if (method == "GET" && path == "shows") return reply(200, {{"shows", json::array()}});
    if (method == "GET" && path == "progress") return reply(200, {});
    if (body.size() > max_body_bytes_) return reply(413, {{"error", "Request body too large"}});
    json::object request = json::parse(body).as_object();
    if (path == "sync") {
      if (fail_sync_after >= 0 && synced_requests_ == fail_sync_after) {
        return reply(500, {{"error", "Database error"}});
      }
      ++synced_requests_;
      std::int64_t added = 0;
      for (const auto& e : request.at("episodes").as_array()) {
        std::string key = std::string(e.at("folder_name").as_string()) + "/" +
                          std::string(e.at("file_name").as_string());
        added += std::find(episodes.begin(), episodes.end(), key) == episodes.end() ? 1 : 0;
        episodes.push_back(key);
      }
      return reply(200, {{"episodes_added", added}});
    }
    if (path == "syncyoutube") {
      json::array failed;
      std::int64_t added = 0;
      for (const auto& id : request.at("video_ids").as_array()) {
        std::string key(id.as_string());
        video_ids.push_back(key);
        if (unknown_videos.contains(key)) {
          failed.push_back({{"id", key}, {"error", "YouTube video " + key + " not found"}});
        } else {
          ++added;
        }
      }
      return reply(200, {{"videos_added", added}, {"failed", failed}});
    }
    return reply(404, {{"error", "Endpoint not found"}});
  }

  std::size_t max_body_bytes_;
  int synced_requests_ = 0;
};

class SyncBatchesRun : public ::testing::Test {
 protected:
  // `shows` folders of `per_show` empty episode files each.
  void makeEpisodes(int shows, int per_show) {
    for (int s = 0; s < shows; ++s) {
      fs::path watched = root_ / "shows" / ("Show " + std::to_string(s)) / "watched";
      fs::create_directories(watched);
      for (int e = 0; e < per_show; ++e) {
        std::ofstream(watched / ("Episode " + std::to_string(e) + ".mkv")).close();
      }
    }
  }

  std::size_t filesLeft() const {
    std::size_t n = 0;
    if (!fs::exists(root_ / "shows")) return 0;
    for (const auto& entry : fs::recursive_directory_iterator(root_ / "shows")) {
      n += entry.is_regular_file() ? 1 : 0;
    }
    return n;
  }

  // Runs the sync against `server`, --non-interactive; `on_terminal` as Console says.
  int run(FakeSyncServer& server, bool on_terminal = false) {
    ApiClient api(ServerLogin{"http://127.0.0.1:9", "alice", "pw", ""}, server);
    std::istringstream in;
    Console console{in, out_, err_, false, on_terminal};
    SyncOptions options;
    options.dir = root_;
    options.non_interactive = true;
    return runSync(api, options, console);
  }

  test::TempDir dir_;
  fs::path root_ = dir_.path();
  std::ostringstream out_;
  std::ostringstream err_;
};

// What one request of `n` new episodes, all deleted, prints: the batches change nothing of it.
std::string printedForEpisodes(std::size_t n, std::size_t shows) {
  std::string completed;
  std::vector<std::string> names;
  for (std::size_t s = 0; s < shows; ++s) names.push_back("Show " + std::to_string(s));
  std::sort(names.begin(), names.end());
  for (const auto& name : names) completed += "Deleted completed show: " + name + "\n";
  return "Finding local episodes watched...\n"
         "Finding local movies watched...\n"
         "Finding watched URLs...\n"
         "Syncing " +
         std::to_string(n) +
         " local episodes watched...\n"
         "Successfully added " +
         std::to_string(n) +
         " new episodes to the remote server.\n"
         "Retrieving remote show metadata...\n"
         "Retrieving progress summary...\n"
         "\n" +
         formatProgressSummary({}) + "\n" + "Deleting " + std::to_string(n) +
         " local episodes watched...\n"
         "Deleted 0.00 GB of watched episodes.\n" +
         completed + "\n";
}

TEST_F(SyncBatchesRun, ATypicalSyncIsOneRequest) {
  makeEpisodes(2, 3);
  FakeSyncServer server(8 * 1024 * 1024);
  EXPECT_EQ(run(server), 0) << err_.str();
  EXPECT_EQ(server.count("POST sync"), 1u);
  EXPECT_EQ(server.episodes.size(), 6u);
  EXPECT_EQ(out_.str(), printedForEpisodes(6, 2));
}

// A server that takes 4 KiB: the first request (all 2,000 episodes, about 100 KB) is refused, the
// budget is halved from the refused body until a batch fits, and the rest goes in batches of
// that size; every episode arrives once, in order, and the run prints what one request would.
TEST_F(SyncBatchesRun, A413HalvesTheBudgetUntilTheBatchesFit) {
  makeEpisodes(20, 100);
  const std::size_t limit = 4096;
  FakeSyncServer server(limit);
  EXPECT_EQ(run(server), 0) << err_.str();
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(out_.str(), printedForEpisodes(2000, 20));
  EXPECT_EQ(out_.str().find('\r'), std::string::npos);  // off a terminal: no bar

  // Every episode once, in the scanner's order, and every file deleted.
  ASSERT_EQ(server.episodes.size(), 2000u);
  EXPECT_TRUE(std::is_sorted(server.episodes.begin(), server.episodes.end()));
  EXPECT_EQ(std::set<std::string>(server.episodes.begin(), server.episodes.end()).size(), 2000u);
  EXPECT_EQ(filesLeft(), 0u);

  // The refusals: the whole list (about 100 KB, under the first budget of 1 MiB), then half
  // of it each time until a batch fits; then batches filled up to half the last refused body.
  std::vector<std::size_t> refused;
  std::vector<std::size_t> taken;
  for (const auto& r : server.requests) {
    if (r.what != "POST sync") continue;
    (r.body_bytes > limit ? refused : taken).push_back(r.body_bytes);
  }
  ASSERT_GE(refused.size(), 2u);
  EXPECT_GT(refused.front(), 90'000u);
  for (std::size_t i = 1; i < refused.size(); ++i) {
    EXPECT_LE(refused[i], refused[i - 1] / 2);
    EXPECT_GT(refused[i] + 60, refused[i - 1] / 2);  // filled up to the budget
  }
  // All refusals came first: the budget, once learned, holds for the rest of the run.
  for (std::size_t i = 0; i < server.requests.size(); ++i) {
    EXPECT_EQ(server.requests[i].body_bytes > limit, i < refused.size()) << i;
  }
  const std::size_t budget = refused.back() / 2;
  ASSERT_GT(taken.size(), 10u);
  for (std::size_t i = 0; i < taken.size(); ++i) {
    EXPECT_LE(taken[i], budget);
    if (i + 1 < taken.size()) {
      EXPECT_GT(taken[i] + 60, budget) << i;
    }
  }
}

TEST_F(SyncBatchesRun, OnATerminalABarCountsTheEpisodesWhenThereAreSeveralBatches) {
  makeEpisodes(10, 100);
  FakeSyncServer server(4096);
  EXPECT_EQ(run(server, /*on_terminal=*/true), 0) << err_.str();
  const std::string printed = out_.str();
  // Drawn over one line, ended before what follows; the last draw is the whole.
  const std::string last = "\r" +
                           countProgressBar("Syncing episodes", 1000, 1000, progressColumns()) +
                           "\nSuccessfully added 1000 new episodes to the remote server.\n";
  EXPECT_NE(printed.find("Syncing 1000 local episodes watched...\n\rSyncing episodes  [...."),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find(last), std::string::npos) << printed;
  // Without the bar's lines, the output is what it is off a terminal.
  std::string without = printed;
  without.erase(without.find('\r'), without.find(last) + last.find('\n') + 1 - without.find('\r'));
  EXPECT_EQ(without, printedForEpisodes(1000, 10));

  // One batch: no bar, on a terminal too.
  out_.str("");
  makeEpisodes(1, 3);
  FakeSyncServer roomy(1024 * 1024);
  EXPECT_EQ(run(roomy, /*on_terminal=*/true), 0) << err_.str();
  EXPECT_EQ(out_.str().find('\r'), std::string::npos) << out_.str();
}

TEST_F(SyncBatchesRun, OneEpisodeRefusedAloneIsAnErrorAndNothingIsDeleted) {
  makeEpisodes(1, 3);
  FakeSyncServer server(20);  // less than any episode
  try {
    run(server);
    FAIL() << "no error";
  } catch (const ClientError& e) {
    const std::string one = R"({"episodes":[{"folder_name":"Show 0","file_name":"Episode 0"}]})";
    EXPECT_EQ(std::string(e.what()),
              "POST /sync failed with HTTP 413: Request body too large, even for one of the "
              "episodes alone (a body of " +
                  std::to_string(one.size()) +
                  " bytes): the server's max_body_bytes is too small for it");
  }
  EXPECT_EQ(filesLeft(), 3u);
  EXPECT_EQ(server.count("POST sync"), 2u);  // the 3 episodes, then the first alone
}

// A batch that fails ends the run as any failed request does: nothing is deleted, not even the
// episodes of the batches the server took (the next run sends them again; the server skips
// them), and the sentence says how far it went.
TEST_F(SyncBatchesRun, AFailedBatchEndsTheRunSayingHowFarItWentAndDeletesNothing) {
  makeEpisodes(10, 100);
  FakeSyncServer server(4096);
  server.fail_sync_after = 3;
  std::string message;
  try {
    run(server);
  } catch (const ClientError& e) {
    message = e.what();
  }
  const std::size_t sent = server.episodes.size();
  EXPECT_GT(sent, 0u);
  EXPECT_EQ(message,
            "POST /sync failed with HTTP 500: Database error; the server had answered for " +
                std::to_string(sent) +
                " of the 1000 episodes before that, but nothing was deleted: the next "
                "run sends them again, and the server skips those it has");
  EXPECT_EQ(filesLeft(), 1000u);
  EXPECT_EQ(out_.str().find("Successfully added"), std::string::npos) << out_.str();

  // The next run sends them all; the server counts only the new ones.
  out_.str("");
  server.fail_sync_after = -1;
  EXPECT_EQ(run(server), 0) << err_.str();
  EXPECT_NE(out_.str().find("Successfully added " + std::to_string(1000 - sent) +
                            " new episodes to the remote server.\n"),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(filesLeft(), 0u);
}

// Links too: what the server could not describe in any batch is reported and kept, and the
// count is the sum, printed once.
TEST_F(SyncBatchesRun, LinksGoInBatchesReportedAsOne) {
  std::string text;
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) {
    char id[12];
    std::snprintf(id, sizeof id, "video%06d", i);
    ids.emplace_back(id);
    text += "https://youtu.be/" + ids.back() + "\n";
  }
  std::ofstream(root_ / "watched.txt") << text;
  FakeSyncServer server(1024);
  server.unknown_videos = {ids[5], ids[250]};
  EXPECT_EQ(run(server), 1);
  EXPECT_GT(server.count("POST syncyoutube"), 3u);
  EXPECT_EQ(server.video_ids, ids);
  EXPECT_NE(out_.str().find("Syncing 300 YouTube videos watched...\n"
                            "Successfully added 298 new YouTube videos to the remote server.\n"),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(err_.str(),
            "Could not sync YouTube video video000005: YouTube video video000005 not found\n"
            "Could not sync YouTube video video000250: YouTube video video000250 not found\n"
            "immersion-tracker: 2 items could not be synced or deleted (see above); they were "
            "kept for the next run.\n");
  std::ifstream left(root_ / "watched.txt");
  std::string rest((std::istreambuf_iterator<char>(left)), {});
  EXPECT_EQ(rest, "https://youtu.be/video000005\nhttps://youtu.be/video000250\n");
}

// Batches that fail as a whole for the same reason are reported once, with all their items.
TEST(SyncSettlement, BatchesFailingForOneReasonAreReportedOnce) {
  sync::Settlement settlement({"videos_added", "YouTube video", "YouTube videos", "id"});
  const std::vector<std::string> keys{"a", "b", "c", "d", "e"};
  const json::object unconfigured{{"error", "YouTube is not configured"}};
  settlement.add({200, {{"videos_added", 1}, {"failed", json::array()}}},
                 std::span(keys).subspan(0, 1));
  settlement.add({503, unconfigured}, std::span(keys).subspan(1, 2));
  settlement.add({503, unconfigured}, std::span(keys).subspan(3, 2));
  std::istringstream in;
  std::ostringstream out, err;
  Console console{in, out, err};
  auto result = settlement.report(console);
  EXPECT_EQ(result.confirmed, (std::set<std::string>{"a"}));
  EXPECT_EQ(result.failed, 4u);
  EXPECT_EQ(out.str(), "Successfully added 1 new YouTube videos to the remote server.\n");
  EXPECT_EQ(err.str(), "Could not sync 4 YouTube videos: YouTube is not configured\n");
}

}  // namespace
}  // namespace it::client
