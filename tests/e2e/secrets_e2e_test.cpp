// The original's JSON secret (users with plain-text passwords, provider credentials), from a
// file and from a real moto Secrets Manager: its users log in, its TVDB key is used, and the
// passwords are stored only as hashes and never printed.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>

#include "e2e/server_process.hpp"
#include "fakes/fake_providers.hpp"
#include "net/aws_json.hpp"
#include "support/http_client.hpp"
#include "support/moto_server.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

constexpr const char* kPassword = "plain-Text:pass 1";

std::string secretJson() {
  return boost::json::serialize(boost::json::object{
      {"users",
       boost::json::array{boost::json::object{{"user", "alice"}, {"password", kPassword}}}},
      {"tvdb_api_key", FakeProviders::kTvdbApiKey},
      {"tmdb_api_read_access_token", FakeProviders::kTmdbReadAccessToken},
      {"youtube_api_key", ""}});
}

std::string fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Logs in as alice with the secret's password and uses the secret's TVDB key and TMDB token.
void expectSecretWorks(const ServerProcess& server) {
  HttpClient alice(server.url());
  alice.setBasicAuth("alice", kPassword);
  auto r = alice.get("/tvdb/search?query=free");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("278157"), std::string::npos) << r.body;
  r = alice.get("/tmdb/search?query=your%20name");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("372058"), std::string::npos) << r.body;
  alice.setBasicAuth("alice", "wrong");
  EXPECT_EQ(alice.get("/shows").status, 401);
}

class SecretsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.addSeries(278157, "Free!", std::nullopt, 24);
    fake_.addTmdbMovie(372058, "君の名は。", "Your Name.", std::nullopt, 106);
    setenv("IMMERSION_TRACKER_TVDB_BASE_URL", fake_.baseUrl().c_str(), 1);
    setenv("IMMERSION_TRACKER_TMDB_BASE_URL", fake_.baseUrl().c_str(), 1);
  }
  void TearDown() override {
    unsetenv("IMMERSION_TRACKER_TVDB_BASE_URL");
    unsetenv("IMMERSION_TRACKER_TMDB_BASE_URL");
  }
  FakeProviders fake_;
  TempDir dir_;
};

TEST_F(SecretsE2E, FromAFile) {
  std::string file = dir_.path() + "/secret.json";
  std::ofstream(file) << secretJson();
  auto server = ServerProcess::start(dir_.path(), {"--secrets-file", file});
  expectSecretWorks(server);
  server.process->signal(SIGTERM);
  ASSERT_EQ(server.process->wait(), 0);
  EXPECT_EQ(server.process->out().find(kPassword), std::string::npos);
  EXPECT_EQ(server.process->err().find(kPassword), std::string::npos);
  EXPECT_EQ(server.process->err().find("Created the first user"), std::string::npos);
  EXPECT_EQ(fileBytes(dir_.path() + "/tracker.db").find(kPassword), std::string::npos);
  EXPECT_EQ(fileBytes(dir_.path() + "/tracker.db-wal").find(kPassword), std::string::npos);
}

// The secret's users are imported once: removed or given a new password with the CLI, they
// stay so on the next start; a new password in the secret is imported (once) again.
TEST_F(SecretsE2E, ARemovedOrChangedUserDoesNotComeBack) {
  std::string file = dir_.path() + "/secret.json";
  std::ofstream(file) << secretJson();
  auto restart = [&] {
    auto server = ServerProcess::start(dir_.path(), {"--secrets-file", file});
    EXPECT_GT(server.port, 0);
    return server;
  };
  auto status = [](const ServerProcess& server, const std::string& password) {
    HttpClient alice(server.url());
    alice.setBasicAuth("alice", password);
    return alice.get("/shows").status;
  };
  auto stop = [](ServerProcess& server) {
    server.process->signal(SIGTERM);
    EXPECT_EQ(server.process->wait(), 0);
  };
  {
    auto server = restart();
    EXPECT_EQ(status(server, kPassword), 200);
    stop(server);
  }
  ASSERT_EQ(cli(dir_.path(), {"user", "passwd", "alice"}, "new-pass\n").exit_code, 0);
  {
    auto server = restart();
    EXPECT_EQ(status(server, "new-pass"), 200) << "the secret undid a password change";
    EXPECT_EQ(status(server, kPassword), 401);
    stop(server);
  }
  ASSERT_EQ(cli(dir_.path(), {"user", "remove", "alice"}).exit_code, 0);
  {
    auto server = restart();
    EXPECT_EQ(status(server, "new-pass"), 401);
    EXPECT_EQ(status(server, kPassword), 401) << "the secret undid a removal";
    stop(server);
  }
  // The operator gives alice a new password in the secret: that is imported.
  std::string changed = secretJson();
  changed.replace(changed.find(kPassword), std::string(kPassword).size(), "from-the-secret 2");
  std::ofstream(file) << changed;
  auto server = restart();
  EXPECT_EQ(status(server, "from-the-secret 2"), 200);
  stop(server);
}

TEST_F(SecretsE2E, ABadSecretStopsTheServerWithOneLine) {
  std::string file = dir_.path() + "/secret.json";
  std::ofstream(file) << R"({"users": [{"user": "bad name", "password": "x"}]})";
  auto r = run({IT_BINARY, "serve", "--data-dir", dir_.path(), "--listen", "127.0.0.1:0",
                "--secrets-file", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "immersion-tracker: the secret " + file +
                       ": users[0] needs a \"user\" (1-64 letters, digits, '_', '-' or '.') and "
                       "a non-empty \"password\"\n");
}

TEST_F(SecretsE2E, FromSecretsManager) {
  if (!MotoServer::available()) GTEST_SKIP() << "moto_server is not installed";
  MotoServer moto;
  net::AwsConfig config;
  config.region = "us-east-1";
  config.credentials = {"test", "test", ""};
  auto transport = net::makeCurlAwsTransport();
  auto created =
      transport->post(config, moto.url(), "secretsmanager", "secretsmanager.CreateSecret",
                      "application/x-amz-json-1.1",
                      boost::json::serialize(boost::json::object{{"Name", "immersion_tracker_api"},
                                                                 {"SecretString", secretJson()}}));
  ASSERT_EQ(created.status, 200) << created.body;

  for (const auto& [name, value] :
       std::vector<std::pair<const char*, std::string>>{{"AWS_ENDPOINT_URL", moto.url()},
                                                        {"AWS_ACCESS_KEY_ID", "test"},
                                                        {"AWS_SECRET_ACCESS_KEY", "test"},
                                                        {"AWS_REGION", "us-east-1"}}) {
    setenv(name, value.c_str(), 1);
  }
  auto server = ServerProcess::start(dir_.path(), {"--secret-id", "immersion_tracker_api"});
  expectSecretWorks(server);
  auto missing = run({IT_BINARY, "serve", "--data-dir", dir_.path() + "/other", "--listen",
                      "127.0.0.1:0", "--secret-id", "no_such_secret"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("secret_id no_such_secret: Secrets Manager answered HTTP"),
            std::string::npos)
      << missing.err;
  for (const char* name :
       {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"}) {
    unsetenv(name);
  }
}

}  // namespace
}  // namespace it::test
