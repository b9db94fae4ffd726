// The binary as a user runs it: first start, user and token commands (also while the server
// runs), configuration mistakes, SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <fstream>

#include "domain/time_zone.hpp"
#include "e2e/server_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

// Without a terminal (here stderr is a pipe, as under a service manager) the password goes to
// a file only the server's user may read, never to the output.
TEST(CliE2E, FirstStartCreatesAnAdminAndShowsThePasswordOnce) {
  TempDir dir;
  std::string password;
  {
    auto server = ServerProcess::start(dir.path());
    const std::string file = dir.path() + "/first-admin-password.txt";
    auto line = server.process->waitForLine("its password is in", /*from_stderr=*/true);
    ASSERT_TRUE(line) << server.process->err();
    EXPECT_NE(line->find(file + " (readable by this user only)"), std::string::npos) << *line;
    struct stat info {};
    ASSERT_EQ(stat(file.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    std::ifstream in(file);
    std::getline(in, password);
    ASSERT_EQ(password.size(), 24u) << password;
    EXPECT_NE(server.process->out().find("\"password_file\":\"" + file + "\""), std::string::npos);

    HttpClient admin(server.url());
    admin.setBasicAuth("admin", password);
    auto r = admin.get("/api/show_all");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(boost::json::parse(r.body).at("total_entries"), 0);
    auto dashboard = server.process->waitForLine("The dashboard is at", /*from_stderr=*/true);
    ASSERT_TRUE(dashboard) << server.process->err();
    EXPECT_EQ(*dashboard, "The dashboard is at " + server.url() +
                              "/ (sign in as \"admin\" with the password in " + file + ")");

    server.process->signal(SIGTERM);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_NE(server.process->out().find("\"stopped\""), std::string::npos);
    EXPECT_EQ((server.process->out() + server.process->err()).find(password), std::string::npos);
  }
  auto again = ServerProcess::start(dir.path());
  again.process->signal(SIGTERM);
  EXPECT_EQ(again.process->wait(), 0);
  EXPECT_EQ(again.process->err().find("password"), std::string::npos);  // shown only once
  EXPECT_NE(again.process->err().find("The dashboard is at " + again.url() + "/\n"),
            std::string::npos);
}

// The data directory and the database are the server's user's alone, whatever the umask; a
// shared data directory and a config file others may read are warned about.
TEST(CliE2E, DataFilesArePrivateAndSharedOnesAreWarnedAbout) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  mode_t old_umask = ::umask(0);  // the most permissive: nothing taken away
  auto mode = [](const std::string& path) {
    struct stat info {};
    EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 0777;
  };
  {
    auto server = ServerProcess::start(data);
    ASSERT_GT(server.port, 0);
    EXPECT_EQ(mode(data), 0700u);
    for (const char* file : {"/tracker.db", "/tracker.db-wal", "/tracker.db-shm"}) {
      EXPECT_EQ(mode(data + file), 0600u) << file;
    }
    server.process->signal(SIGTERM);
    EXPECT_EQ(server.process->wait(), 0);
  }
  ::chmod(data.c_str(), 0755);
  const std::string config = dir.path() + "/config.toml";
  std::ofstream(config) << "log_level = \"info\"\n";
  ::chmod(config.c_str(), 0644);
  auto server = ServerProcess::launch(
      {IT_BINARY, "serve", "--config", config, "--data-dir", data, "--listen", "127.0.0.1:0"});
  ::umask(old_umask);
  ASSERT_GT(server.port, 0);
  server.process->signal(SIGTERM);
  EXPECT_EQ(server.process->wait(), 0);
  const std::string log = server.process->out();
  EXPECT_NE(log.find(R"("msg":"the data directory may be read by other users; chmod 700 it )"
                     R"(unless it is shared on purpose","data_dir":")" +
                     data + R"(","mode":"0755")"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(R"("setting":"config","path":")" + config + R"(","mode":"0644")"),
            std::string::npos)
      << log;
}

TEST(CliE2E, UsersAndTokensAreManagedWhileTheServerRuns) {
  TempDir dir;
  auto server = ServerProcess::start(dir.path());

  auto added = cli(dir.path(), {"user", "add", "alice"}, "s3cret pass\n");
  EXPECT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.out, "Added user alice\n");
  auto dup = cli(dir.path(), {"user", "add", "alice"}, "x\n");
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_EQ(dup.err, "immersion-tracker: user \"alice\" already exists\n");
  auto bad = cli(dir.path(), {"user", "add", "al ice"}, "x\n");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("invalid user name"), std::string::npos);
  auto empty = cli(dir.path(), {"user", "add", "carol"}, "\n");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_EQ(empty.err, "immersion-tracker: the password must not be empty\n");

  auto list = cli(dir.path(), {"user", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("alice\tuser"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("admin\tadmin"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("carol"), std::string::npos);

  HttpClient alice(server.url());
  alice.setBasicAuth("alice", "s3cret pass");
  auto r = alice.post("/api/update_episode",
                      R"({"username":"alice","tv_show":"Lost","season":1,"episode":4})");
  EXPECT_EQ(r.status, 201) << r.body;

  auto token = cli(dir.path(), {"token", "create", "alice", "--label", "laptop"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  std::string secret = token.out.substr(0, token.out.size() - 1);
  HttpClient bearer(server.url());
  bearer.setBearer(secret);
  EXPECT_EQ(bearer.get("/api/show_user?username=alice").status, 200);
  auto tokens = cli(dir.path(), {"token", "list", "alice"});
  EXPECT_NE(tokens.out.find("laptop"), std::string::npos);
  EXPECT_EQ(tokens.out.find(secret), std::string::npos);  // never shown again
  EXPECT_EQ(cli(dir.path(), {"token", "revoke", "alice", "--all"}).out,
            "Revoked 1 token of alice\n");
  EXPECT_EQ(bearer.get("/api/show_user?username=alice").status, 401);

  EXPECT_EQ(cli(dir.path(), {"user", "passwd", "alice"}, "newer pass\n").exit_code, 0);
  EXPECT_EQ(alice.get("/api/show_user?username=alice").status, 401);
  alice.setBasicAuth("alice", "newer pass");
  EXPECT_EQ(alice.get("/api/show_user?username=alice").status, 200);

  EXPECT_EQ(cli(dir.path(), {"user", "remove", "alice"}).exit_code, 0);
  EXPECT_EQ(alice.get("/api/show_user?username=alice").status, 401);
  auto gone = cli(dir.path(), {"user", "remove", "alice"});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_EQ(gone.err, "immersion-tracker: no user named \"alice\"\n");

  server.process->signal(SIGTERM);
  EXPECT_EQ(server.process->wait(), 0);
}

TEST(CliE2E, InvalidConfigurationFailsAtStartWithOneLine) {
  TempDir dir;
  auto r = run({IT_BINARY, "serve", "--data-dir", dir.path(), "--listen", "localhost"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "immersion-tracker: --listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got "
            "\"localhost\")\n");

  std::string config = dir.path() + "/c.toml";
  FILE* f = fopen(config.c_str(), "w");
  fputs("max_body_bytes = -5\n", f);
  fclose(f);
  r = run({IT_BINARY, "serve", "--config", config});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("max_body_bytes must be a whole number"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST(CliE2E, PortInUseIsOneClearLine) {
  TempDir dir;
  auto first = ServerProcess::start(dir.path());
  auto r = run({IT_BINARY, "serve", "--data-dir", dir.path(), "--listen",
                "127.0.0.1:" + std::to_string(first.port)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port)),
            std::string::npos)
      << r.err;
}

TEST(CliE2E, TimeZonesAreSetPerUserWhileTheServerRuns) {
  TempDir dir;
  auto server = ServerProcess::start(dir.path());
  ASSERT_EQ(cli(dir.path(), {"user", "add", "alice"}, "alice-pass\n").exit_code, 0);
  HttpClient alice(server.url());
  alice.setBasicAuth("alice", "alice-pass");

  auto set = cli(dir.path(), {"user", "set-timezone", "alice", "Pacific/Auckland"});
  EXPECT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "Progress of alice is now computed in Pacific/Auckland\n");
  auto r = alice.get("/progress");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(boost::json::parse(r.body).at("time_zone"), "Pacific/Auckland");
  EXPECT_NE(cli(dir.path(), {"user", "list"}).out.find("time zone Pacific/Auckland"),
            std::string::npos);

  auto unknown = cli(dir.path(), {"user", "set-timezone", "alice", "Mars/Olympus_Mons"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err,
            "immersion-tracker: \"Mars/Olympus_Mons\" is not a time zone of the tz database "
            "(e.g. Pacific/Auckland, Europe/Berlin, UTC)\n");
  auto nobody = cli(dir.path(), {"user", "set-timezone", "nobody", "UTC"});
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_EQ(nobody.err, "immersion-tracker: no user named \"nobody\"\n");

  auto reset = cli(dir.path(), {"user", "set-timezone", "alice", "default"});
  EXPECT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_NE(cli(dir.path(), {"user", "list"}).out.find("(default)"), std::string::npos);
  r = alice.get("/progress");  // the server's default: this machine's zone
  EXPECT_EQ(boost::json::parse(r.body).at("time_zone").as_string(), domain::machineTimeZoneName());

  auto bad_default = run({IT_BINARY, "serve", "--data-dir", dir.path(), "--listen", "127.0.0.1:0",
                          "--time-zone", "Nowhere/City"});
  EXPECT_EQ(bad_default.exit_code, 1);
  EXPECT_EQ(bad_default.err,
            "immersion-tracker: time_zone: \"Nowhere/City\" is not a time zone of the tz "
            "database (e.g. Pacific/Auckland, UTC)\n");
}

}  // namespace
}  // namespace it::test
