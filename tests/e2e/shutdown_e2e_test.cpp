// Graceful shutdown of the real binary: SIGTERM while a request is in flight (a YouTube sync
// held up by a slow provider) and connections sit idle. The in-flight request completes and
// is kept, new connections are refused at once, idle connections do not hold up the exit
// (no grace-period timeout), and the process exits 0.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "e2e/server_process.hpp"
#include "fakes/fake_providers.hpp"
#include "support/http_client.hpp"
#include "support/raw_connection.hpp"
#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kVideo = "kJQP7kiw5Fk";

bool refusesConnections(int port) {
  try {
    RawConnection probe(port);
    return false;
  } catch (const std::runtime_error&) {
    return true;
  }
}

TEST(ShutdownE2E, SigtermFinishesInFlightRequestsRefusesNewOnesAndExitsZero) {
  // Long enough that the checks below all happen while the sync is still waiting on it.
  constexpr auto kProviderDelay = 3s;
  FakeProviders fake;
  fake.addVideo(kVideo, "Despacito", "UCLp8RBhQHu9wSsq62j_Md6A", "LuisFonsiVEVO", "PT4M42S");
  fake.setDelay("/youtube/v3/videos", kProviderDelay);
  ScopedEnv env;
  for (const auto& [name, value] : fake.environment()) env.set(name, value);
  env.set("IMMERSION_TRACKER_TIME_ZONE", "UTC");

  TempDir dir;
  ASSERT_EQ(cli(dir.path(), {"user", "add", "alice"}, "pw\n").exit_code, 0);
  auto server = ServerProcess::start(dir.path());
  ASSERT_GT(server.port, 0);

  // An idle keep-alive connection, and one that never sent a byte.
  HttpClient idle(server.url());
  ASSERT_EQ(idle.get("/healthz").status, 200);
  RawConnection silent(server.port);

  auto in_flight = std::async(std::launch::async, [&] {
    HttpClient client(server.url());
    client.setBasicAuth("alice", "pw");
    return client.post("/syncyoutube", std::string(R"({"video_ids": [")") + kVideo + "\"]}");
  });
  for (int i = 0; i < 2000 && fake.requestCount("/youtube/v3/videos") == 0; ++i) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(fake.requestCount("/youtube/v3/videos"), 1) << "the sync never reached the provider";

  server.process->signal(SIGTERM);
  ASSERT_TRUE(server.process->waitForLine("shutting down")) << server.process->err();
  // The listener closes right after that line; poll until it has (a connection accepted in
  // between would still be answered).
  bool refused = false;
  for (int i = 0; i < 400 && !refused; ++i) {
    refused = refusesConnections(server.port);
    if (!refused) std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(refused) << "new connections were still accepted after SIGTERM";
  EXPECT_EQ(in_flight.wait_for(0s), std::future_status::timeout)
      << "the sync ended before its provider answered";

  auto r = in_flight.get();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"videos_added":1,"failed":[]})");
  EXPECT_EQ(server.process->wait(), 0) << server.process->err();
  std::string log = server.process->out() + server.process->err();
  EXPECT_EQ(log.find("grace period over"), std::string::npos)
      << "idle connections held up the shutdown: " << log;

  // What the in-flight request acknowledged is on disk.
  fake.setDelay("/youtube/v3/videos", 0ms);
  auto restarted = ServerProcess::start(dir.path());
  HttpClient reader(restarted.url());
  reader.setBasicAuth("alice", "pw");
  auto progress = reader.get("/progress");
  ASSERT_EQ(progress.status, 200) << progress.body;
  EXPECT_EQ(boost::json::parse(progress.body).at("youtube_videos_watched"), 1);
  restarted.process->signal(SIGTERM);
  EXPECT_EQ(restarted.process->wait(), 0);
}

}  // namespace
}  // namespace it::test
