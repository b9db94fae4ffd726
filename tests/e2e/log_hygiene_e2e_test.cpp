// No log line carries a secret (SECURITY.md): the server run as a user would, at debug level,
// with logins by password, by token and with wrong credentials, its whole output searched
// for the password, the token, their hashes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <sstream>

#include "auth/passwords.hpp"
#include "e2e/server_process.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

// The secret part of "itk_<8 hex digits>_<secret>". Not after the last '_': base64url
// secrets may hold '_' themselves, and a one-letter tail is in any log.
std::string tokenSecret(const std::string& token) {
  return token.substr(std::string("itk_").size() + 8 + 1);
}

TEST(LogHygieneE2E, NoLogLineCarriesAPasswordATokenOrAHash) {
  TempDir dir;
  const std::string password = "correct horse battery staple";
  ASSERT_EQ(cli(dir.path(), {"user", "add", "alice"}, password + "\n").exit_code, 0);
  auto created = cli(dir.path(), {"token", "create", "alice", "--label", "laptop"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string token = created.out.substr(0, created.out.find('\n'));
  ASSERT_TRUE(token.starts_with("itk_")) << created.out;

  auto server = ServerProcess::start(dir.path(), {"--log-level", "debug"});
  ASSERT_GT(server.port, 0);
  HttpClient by_password(server.url());
  by_password.setBasicAuth("alice", password);
  HttpClient by_token(server.url());
  by_token.setBearer(token);
  HttpClient wrong(server.url());
  wrong.setBasicAuth("alice", password + " but wrong");
  HttpClient bad_token(server.url());
  bad_token.setBearer(token + "x");
  for (HttpClient* c : {&by_password, &by_token, &wrong, &bad_token}) {
    c->get("/shows");
    c->post("/api/update_episode",
            R"({"username":"alice","tv_show":"Lost","season":1,"episode":2})");
    c->post("/sync", "{not json");
  }
  EXPECT_EQ(by_password.get("/shows").status, 200);
  EXPECT_EQ(by_token.get("/shows").status, 200);
  server.process->signal(SIGTERM);
  EXPECT_EQ(server.process->wait(), 0);

  std::string hash;
  {
    storage::sqlite::SqliteStore store({dir.path() + "/tracker.db"});
    hash = store.findUser("alice")->password_hash;
  }
  const std::string output = server.process->out() + server.process->err();
  ASSERT_NE(output.find("\"user\":\"alice\""), std::string::npos) << output;  // it did log
  for (const std::string& secret : {password, token, auth::tokenHash(token), hash,
                                    hash.substr(hash.rfind('$') + 1), tokenSecret(token)}) {
    EXPECT_EQ(output.find(secret), std::string::npos) << "the log holds " << secret;
  }
}

// A request path may hold any bytes ("%FF" decodes to one that is not UTF-8): every log line
// is still JSON in valid UTF-8, the bytes written as U+FFFD.
TEST(LogHygieneE2E, EveryLineIsValidJsonWhateverThePathHolds) {
  TempDir dir;
  auto server = ServerProcess::start(dir.path());
  ASSERT_GT(server.port, 0);
  HttpClient client(server.url());
  EXPECT_EQ(client.get("/caf%E9/%FF%FE").status, 404);
  server.process->signal(SIGTERM);
  EXPECT_EQ(server.process->wait(), 0);

  std::istringstream lines(server.process->out());
  std::string line;
  bool found = false;
  while (std::getline(lines, line)) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);  // rejects invalid UTF-8
    ASSERT_FALSE(ec) << "not JSON in UTF-8: " << line;
    if (v.as_object().contains("path")) {
      found = found || v.at("path") == "/caf\uFFFD/\uFFFD\uFFFD";
    }
  }
  EXPECT_TRUE(found) << server.process->out();
}

}  // namespace
}  // namespace it::test
