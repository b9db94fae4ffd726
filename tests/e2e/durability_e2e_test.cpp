// An acknowledged write survives kill -9: writers stream TV-progress updates and syncs, the
// server is SIGKILLed at a random moment, restarted, and every acknowledged write must be
// there, in a database that passes PRAGMA integrity_check.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <boost/json.hpp>
#include <mutex>
#include <random>
#include <thread>

#include "e2e/server_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

std::string integrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr);
  std::string result;
  if (sqlite3_step(s) == SQLITE_ROW)
    result = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return result;
}

// Counts a writer thread out however it ends.
struct RunningGuard {
  std::atomic<int>& running;
  ~RunningGuard() { running.fetch_sub(1); }
};

// Streams writes from several clients, stops the server with `stop_signal` at a random
// moment, restarts it and checks that every acknowledged write is there, `rounds` times.
void streamWritesThenStop(int stop_signal, int rounds) {
  TempDir dir;
  ASSERT_EQ(cli(dir.path(), {"user", "add", "writer"}, "pw\n").exit_code, 0);
  std::mt19937 rng(std::random_device{}());
  constexpr int kWriters = 6;      // TV progress: each moves its show one episode forward
  constexpr int kSyncWriters = 2;  // immersion: each syncs one new episode file per request
  std::vector<int> acked_total(kWriters, 0);  // episodes acknowledged over all rounds
  std::vector<int> synced_total(kSyncWriters, 0);
  auto syncBody = [](int writer, int from, int to) {
    std::string body = R"({"episodes":[)";
    for (int n = from; n <= to; ++n) {
      if (n > from) body += ",";
      body += R"({"folder_name":"synced )" + std::to_string(writer) + R"(","file_name":"e)" +
              std::to_string(n) + R"(.mkv"})";
    }
    return body + "]}";
  };

  for (int round = 0; round < rounds; ++round) {
    auto server = ServerProcess::start(dir.path());
    ASSERT_GT(server.port, 0);
    int kill_after = std::uniform_int_distribution<int>(100, 600)(rng);
    std::atomic<int> acks{0};
    std::vector<std::atomic<int>> last_acked(kWriters);
    std::vector<std::atomic<int>> last_sent(kWriters);
    std::vector<std::atomic<int>> last_synced(kSyncWriters);
    std::vector<std::thread> writers;
    std::atomic<int> running{kWriters + kSyncWriters};
    std::mutex failure_mutex;
    std::string failure;
    for (int w = 0; w < kWriters; ++w) {
      last_acked[w] = acked_total[w];
      last_sent[w] = acked_total[w];
      writers.emplace_back([&, w] {
        RunningGuard done{running};
        HttpClient client(server.url());
        client.setBasicAuth("writer", "pw");
        for (int episode = acked_total[w] + 1;; ++episode) {
          last_sent[w] = episode;
          std::string body = R"({"username":"writer","tv_show":"show )" + std::to_string(w) +
                             R"(","season":1,"episode":)" + std::to_string(episode) + "}";
          try {
            auto r = client.post("/api/update_episode", body);
            if (r.status != 201) {
              std::lock_guard lock(failure_mutex);
              failure = "HTTP " + std::to_string(r.status) + " " + r.body;
              return;
            }
          } catch (const std::exception& e) {
            std::lock_guard lock(failure_mutex);
            failure = e.what();
            return;  // the server is gone
          }
          last_acked[w] = episode;
          acks.fetch_add(1);
        }
      });
    }
    for (int w = 0; w < kSyncWriters; ++w) {
      last_synced[w] = synced_total[w];
      writers.emplace_back([&, w] {
        RunningGuard done{running};
        HttpClient client(server.url());
        client.setBasicAuth("writer", "pw");
        for (int n = synced_total[w] + 1;; ++n) {
          try {
            auto r = client.post("/sync", syncBody(w, n, n));
            // The first of a round may have landed just before the last kill.
            bool landed_before = n == synced_total[w] + 1 && r.body == R"({"episodes_added":0})";
            if (r.status != 200 || (r.body != R"({"episodes_added":1})" && !landed_before)) {
              std::lock_guard lock(failure_mutex);
              failure = "sync: HTTP " + std::to_string(r.status) + " " + r.body;
              return;
            }
          } catch (const std::exception& e) {
            return;  // the server is gone
          }
          last_synced[w] = n;
          acks.fetch_add(1);
        }
      });
    }
    while (acks.load() < kill_after && running.load() > 0) std::this_thread::yield();
    if (acks.load() < kill_after) {
      for (auto& t : writers) t.join();
      FAIL() << "the writers stopped early: " << failure
             << "; server stderr: " << server.process->err();
    }
    server.process->signal(stop_signal);
    for (auto& t : writers) t.join();
    // SIGTERM: exit 0 (shutdown_e2e_test checks in-flight requests and refused connections).
    EXPECT_EQ(server.process->wait(), stop_signal == SIGTERM ? 0 : 128 + stop_signal);

    EXPECT_EQ(integrityCheck(dir.path() + "/tracker.db"), "ok");
    auto restarted = ServerProcess::start(dir.path());
    HttpClient reader(restarted.url());
    reader.setBasicAuth("writer", "pw");
    for (int w = 0; w < kWriters; ++w) {
      auto r = reader.get("/api/show_episode?username=writer&tv_show=show%20" + std::to_string(w));
      if (r.status == 404) {  // only when this writer never got an acknowledgement
        EXPECT_EQ(last_acked[w].load(), 0) << "round " << round << " writer " << w;
        continue;
      }
      ASSERT_EQ(r.status, 200) << "round " << round << " writer " << w << ": " << r.body;
      auto episode = boost::json::parse(r.body).at("episode").as_int64();
      // Every acknowledged write is there; at most the one in flight landed beyond it.
      EXPECT_GE(episode, last_acked[w].load()) << "round " << round << " writer " << w;
      EXPECT_LE(episode, last_sent[w].load()) << "round " << round << " writer " << w;
      acked_total[w] = static_cast<int>(episode);
    }
    for (int w = 0; w < kSyncWriters; ++w) {
      // Every acknowledged episode is recorded: syncing them all again adds nothing. The one
      // in flight, if it landed, is synced again (and counted once) by the next round.
      if (last_synced[w].load() > 0) {
        auto r = reader.post("/sync", syncBody(w, 1, last_synced[w].load()));
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.body, R"({"episodes_added":0})") << "round " << round << " sync writer " << w;
      }
      synced_total[w] = last_synced[w].load();
    }
    restarted.process->signal(SIGTERM);
    EXPECT_EQ(restarted.process->wait(), 0);
  }
}

TEST(DurabilityE2E, AcknowledgedWritesSurviveKill9) { streamWritesThenStop(SIGKILL, 3); }

TEST(DurabilityE2E, SigtermDuringWritesFinishesThemAndExitsZero) {
  streamWritesThenStop(SIGTERM, 2);
}

}  // namespace
}  // namespace it::test
