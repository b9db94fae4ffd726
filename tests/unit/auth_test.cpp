#include <gtest/gtest.h>

#include <thread>

#include "auth/authenticator.hpp"
#include "auth/passwords.hpp"
#include "fakes/fixed_clock.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/round_trip_users.hpp"
#include "support/temp_dir.hpp"
#include "util/encoding.hpp"

namespace it::auth {
namespace {

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + base64Encode(user + ":" + password);
}

TEST(Passwords, Argon2idRoundTrip) {
  std::string hash = hashPassword("correct horse");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_TRUE(verifyPassword(hash, "correct horse"));
  EXPECT_FALSE(verifyPassword(hash, "correct horse "));
  EXPECT_NE(hashPassword("correct horse"), hash);  // salted
}

TEST(Passwords, TokensAreRandomAndStoredHashed) {
  NewToken a = generateToken();
  NewToken b = generateToken();
  EXPECT_NE(a.token, b.token);
  EXPECT_EQ(a.token.rfind("itk_" + a.id + "_", 0), 0u);
  EXPECT_EQ(a.hash, tokenHash(a.token));
  EXPECT_EQ(a.hash.size(), 64u);
  EXPECT_EQ(a.token.find(a.hash), std::string::npos);
  EXPECT_EQ(randomPassword().size(), 24u);
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<storage::sqlite::SqliteStore>(
        storage::sqlite::SqliteStore::Options{dir_.path() + "/t.db"});
    ASSERT_TRUE(store_->addUser({"alice", hashPassword("pw"), false, "t"}));
    ASSERT_TRUE(store_->addUser({"root", hashPassword("rootpw"), true, "t"}));
  }
  test::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(AuthenticatorTest, FirstLoginTakesTheSlowPathThenIsCached) {
  Authenticator auth(*store_);
  EXPECT_EQ(auth.tryFast(basic("alice", "pw"), "c").outcome, AuthOutcome::kNeedsPasswordCheck);
  AuthResult r = auth.verify(basic("alice", "pw"), "c");
  ASSERT_EQ(r.outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(r.principal.username, "alice");
  EXPECT_FALSE(r.principal.admin);
  r = auth.tryFast(basic("alice", "pw"), "c");
  EXPECT_EQ(r.outcome, AuthOutcome::kAuthenticated);
  // A different password is not served from the cache.
  EXPECT_EQ(auth.tryFast(basic("alice", "pw2"), "c").outcome, AuthOutcome::kNeedsPasswordCheck);
  EXPECT_TRUE(auth.verify(basic("root", "rootpw"), "c").principal.admin);
}

// A session is read inline on a store with fast reads; its renewal (a write) is handed to a
// worker, at most once a day; an expired or unknown one is a 401.
TEST_F(AuthenticatorTest, SessionsAreCheckedInlineAndRenewedOffTheIoThreads) {
  test::FixedClock clock(test::readmeTime());
  Authenticator auth(*store_, Authenticator::Options{.clock = &clock});
  auto now = [&] {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
  };
  std::string id = newSessionId();
  EXPECT_EQ(id.size(), 43u);
  EXPECT_NE(newSessionId(), id);
  store_->addSession(tokenHash(id), "alice", now() + kSessionLifetime.count(), now());

  AuthResult r = auth.tryFast("Session " + id, "c");
  ASSERT_EQ(r.outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(r.principal.username, "alice");
  EXPECT_FALSE(r.session_renewed);  // just started

  clock.advance(std::chrono::hours(49));
  EXPECT_EQ(auth.tryFast("Session " + id, "c").outcome, AuthOutcome::kNeedsStoreRead);
  r = auth.tryWithStore("Session " + id, "c");
  ASSERT_EQ(r.outcome, AuthOutcome::kAuthenticated);
  EXPECT_TRUE(r.session_renewed);
  EXPECT_EQ(store_->findUserBySessionHash(tokenHash(id))->expires_at,
            now() + kSessionLifetime.count());
  EXPECT_FALSE(auth.tryFast("Session " + id, "c").session_renewed);  // renewed already

  EXPECT_EQ(auth.tryFast("Session not-a-session", "c").outcome, AuthOutcome::kRejected);
  clock.advance(kSessionLifetime + std::chrono::seconds(1));
  EXPECT_EQ(auth.tryFast("Session " + id, "c").outcome, AuthOutcome::kRejected);
}

TEST_F(AuthenticatorTest, ChangesFromAnotherStoreInstanceInvalidateTheCache) {
  Authenticator auth(*store_);
  ASSERT_EQ(auth.verify(basic("alice", "pw"), "c").outcome, AuthOutcome::kAuthenticated);
  ASSERT_EQ(auth.tryFast(basic("alice", "pw"), "c").outcome, AuthOutcome::kAuthenticated);
  {
    storage::sqlite::SqliteStore other({dir_.path() + "/t.db"});  // the CLI, say
    ASSERT_TRUE(other.setPasswordHash("alice", hashPassword("new")));
  }
  EXPECT_EQ(auth.tryFast(basic("alice", "pw"), "c").outcome, AuthOutcome::kNeedsPasswordCheck);
  EXPECT_EQ(auth.verify(basic("alice", "pw"), "c").outcome, AuthOutcome::kRejected);
  EXPECT_EQ(auth.verify(basic("alice", "new"), "c").outcome, AuthOutcome::kAuthenticated);
}

TEST_F(AuthenticatorTest, AUserChangedByAnotherProcessIsSeenAtTheNextCheck) {
  Authenticator auth(*store_);
  ASSERT_EQ(auth.verify(basic("alice", "pw"), "c").outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(auth.tryFast(basic("alice", "pw"), "c").outcome, AuthOutcome::kAuthenticated);
  {
    // As `immersion-tracker user remove` would, in a process of its own.
    storage::sqlite::SqliteStore other({dir_.path() + "/t.db"});
    ASSERT_TRUE(other.removeUser("alice"));
  }
  EXPECT_EQ(auth.tryFast(basic("alice", "pw"), "c").outcome, AuthOutcome::kNeedsPasswordCheck);
}

TEST_F(AuthenticatorTest, CachedCredentialsExpire) {
  Authenticator auth(*store_, Authenticator::Options{.cache_ttl = std::chrono::seconds(0)});
  ASSERT_EQ(auth.verify(basic("alice", "pw"), "c").outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(auth.tryFast(basic("alice", "pw"), "c").outcome, AuthOutcome::kNeedsPasswordCheck);
}

TEST_F(AuthenticatorTest, HeaderForms) {
  Authenticator auth(*store_);
  EXPECT_EQ(auth.tryFast("", "c").outcome, AuthOutcome::kMissing);
  EXPECT_EQ(auth.verify("basic " + basic("alice", "pw").substr(6), "c").outcome,
            AuthOutcome::kAuthenticated);  // scheme is case-insensitive
  for (const char* bad : {"Basic", "Basic !!!", "Basic YWxpY2U=", "Token abc", "Bearer"}) {
    EXPECT_EQ(auth.verify(bad, "c").outcome, AuthOutcome::kRejected) << bad;
  }
  EXPECT_EQ(auth.verify(basic("alice", "nope"), "c").outcome, AuthOutcome::kRejected);
  EXPECT_EQ(auth.verify(basic("ghost", "pw"), "c").outcome, AuthOutcome::kRejected);
}

TEST_F(AuthenticatorTest, BearerTokens) {
  Authenticator auth(*store_);
  NewToken t = generateToken();
  store_->addToken({t.id, "root", "", "t"}, t.hash);
  AuthResult r = auth.tryFast("Bearer " + t.token, "c");
  ASSERT_EQ(r.outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(r.principal.username, "root");
  EXPECT_TRUE(r.principal.admin);
  EXPECT_EQ(auth.tryFast("Bearer " + t.token + "x", "c").outcome, AuthOutcome::kRejected);
}

TEST_F(AuthenticatorTest, RepeatedFailuresGrowTheDelayPerClientAndUser) {
  Authenticator auth(*store_, Authenticator::Options{.free_failures = 2,
                                                     .max_delay = std::chrono::milliseconds(300)});
  std::vector<long> delays;
  for (int i = 0; i < 6; ++i) {
    delays.push_back(auth.verify(basic("alice", "wrong"), "10.0.0.1").delay.count());
  }
  // While its delay runs, even the right password from that client is refused unchecked:
  // guessing in parallel gains nothing. (Asked at once: the delay is real time, and the
  // Argon2id checks below take a while on a loaded machine.)
  EXPECT_EQ(auth.verify(basic("alice", "pw"), "10.0.0.1").outcome, AuthOutcome::kRejected);
  EXPECT_EQ(delays, (std::vector<long>{0, 0, 100, 200, 300, 300}));
  EXPECT_EQ(auth.verify(basic("alice", "wrong"), "10.0.0.2").delay.count(), 0);  // other client
  EXPECT_EQ(auth.verify(basic("root", "wrong"), "10.0.0.1").delay.count(), 0);   // other user
  // Logging in to another account from the same address does not clear alice's record.
  ASSERT_EQ(auth.verify(basic("root", "rootpw"), "10.0.0.1").outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(auth.verify(basic("alice", "wrong"), "10.0.0.1").delay.count(), 300);
  // A success clears only its own record.
  ASSERT_EQ(auth.verify(basic("alice", "pw"), "10.0.0.2").outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(auth.verify(basic("alice", "wrong"), "10.0.0.2").delay.count(), 0);
}

TEST_F(AuthenticatorTest, GuessingManyUserNamesFromOneAddressIsThrottled) {
  Authenticator auth(*store_, Authenticator::Options{.free_failures_per_client = 2});
  NewToken token = generateToken();
  store_->addToken({token.id, "alice", "", "t"}, token.hash);
  ASSERT_EQ(auth.verify(basic("alice", "pw"), "10.0.0.9").outcome, AuthOutcome::kAuthenticated);
  // Every user name is new, so no (client, user) record holds anything back: the first three
  // are checked (the third makes the address's delay 100 ms), the next ones refused unchecked,
  // each doubling the delay. (Asked at once, as above.)
  std::vector<AuthOutcome> outcomes;
  std::vector<long> delays;
  for (const char* user : {"u1", "u2", "u3", "u4", "u5", "u6"}) {
    AuthResult r = auth.verify(basic(user, "guess"), "10.0.0.1");
    outcomes.push_back(r.outcome);
    delays.push_back(r.delay.count());
  }
  EXPECT_EQ(outcomes, (std::vector<AuthOutcome>{AuthOutcome::kRejected, AuthOutcome::kRejected,
                                                AuthOutcome::kRejected, AuthOutcome::kThrottled,
                                                AuthOutcome::kThrottled, AuthOutcome::kThrottled}));
  EXPECT_EQ(delays[0], 0);
  for (int i = 3; i < 6; ++i) EXPECT_GT(delays[i], 0) << i;
  EXPECT_LE(delays[5], 800);
  EXPECT_GT(delays[5], delays[3]);
  // A new login from that address is not checked either, the right password or not...
  EXPECT_EQ(auth.verify(basic("root", "rootpw"), "10.0.0.1").outcome, AuthOutcome::kThrottled);
  // ...but one verified earlier (from anywhere), and tokens, still work; other addresses too.
  EXPECT_EQ(auth.verify(basic("alice", "pw"), "10.0.0.1").outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(auth.verify("Bearer " + token.token, "10.0.0.1").outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(auth.verify(basic("root", "rootpw"), "10.0.0.2").outcome, AuthOutcome::kAuthenticated);
}

// An IPv6 client holds a whole /64: guesses spread over its addresses count as one client's.
TEST_F(AuthenticatorTest, GuessesFromOneIpv6Slash64CountAsOneClient) {
  Authenticator auth(*store_, Authenticator::Options{.free_failures_per_client = 2});
  std::vector<AuthOutcome> outcomes;
  int host = 0;
  for (const char* user : {"u1", "u2", "u3", "u4", "u5"}) {
    std::string address = "2001:db8:7:7::" + std::to_string(++host);
    outcomes.push_back(auth.verify(basic(user, "guess"), address).outcome);
  }
  EXPECT_EQ(outcomes, (std::vector<AuthOutcome>{AuthOutcome::kRejected, AuthOutcome::kRejected,
                                                AuthOutcome::kRejected, AuthOutcome::kThrottled,
                                                AuthOutcome::kThrottled}));
  EXPECT_EQ(auth.verify(basic("root", "rootpw"), "2001:db8:7:7:ffff::1").outcome,
            AuthOutcome::kThrottled);
  // The next /64 is another client.
  EXPECT_EQ(auth.verify(basic("root", "rootpw"), "2001:db8:7:8::1").outcome,
            AuthOutcome::kAuthenticated);
}

// On such a store a login verified recently and a token need a store read, which the caller
// runs with the signed-in users' work; only a login not verified recently needs Argon2id.
TEST_F(AuthenticatorTest, OnARoundTripStoreOnlyNewLoginsNeedAPasswordCheck) {
  test::RoundTripUsers users(*store_);
  Authenticator auth(users);
  NewToken token = generateToken();
  store_->addToken({token.id, "alice", "", "t"}, token.hash);
  EXPECT_EQ(auth.tryFast("Bearer " + token.token, "c").outcome, AuthOutcome::kNeedsStoreRead);
  EXPECT_EQ(auth.tryWithStore("Bearer " + token.token, "c").outcome, AuthOutcome::kAuthenticated);

  EXPECT_EQ(auth.tryFast(basic("alice", "pw"), "c").outcome, AuthOutcome::kNeedsPasswordCheck);
  EXPECT_EQ(auth.tryWithStore(basic("alice", "pw"), "c").outcome, AuthOutcome::kNeedsPasswordCheck);
  ASSERT_EQ(auth.verify(basic("alice", "pw"), "c").outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(auth.tryFast(basic("alice", "pw"), "c").outcome, AuthOutcome::kNeedsStoreRead);
  AuthResult r = auth.tryWithStore(basic("alice", "pw"), "c");
  ASSERT_EQ(r.outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(r.principal.username, "alice");

  // A new password makes the remembered one need Argon2id again, and then fail.
  ASSERT_TRUE(store_->setPasswordHash("alice", hashPassword("new")));
  EXPECT_EQ(auth.tryWithStore(basic("alice", "pw"), "c").outcome, AuthOutcome::kNeedsPasswordCheck);
  EXPECT_EQ(auth.verify(basic("alice", "pw"), "c").outcome, AuthOutcome::kRejected);
}

// An address already throttled is answered before any check is queued.
TEST_F(AuthenticatorTest, AThrottledAddressIsAnsweredWithoutQueueingACheck) {
  Authenticator auth(*store_, Authenticator::Options{.free_failures_per_client = 1});
  // Six failures: the address's delay is 1.6 s, ample for the check below to come within it.
  for (const char* user : {"u1", "u2", "u3", "u4", "u5", "u6"}) {
    ASSERT_NE(auth.verify(basic(user, "guess"), "10.0.0.1").outcome, AuthOutcome::kAuthenticated);
  }
  EXPECT_EQ(auth.tryFast(basic("root", "rootpw"), "10.0.0.1").outcome, AuthOutcome::kThrottled);
  EXPECT_EQ(auth.tryFast(basic("root", "rootpw"), "10.0.0.2").outcome,
            AuthOutcome::kNeedsPasswordCheck);
}

TEST_F(AuthenticatorTest, AfterTheDelayTheRightPasswordWorks) {
  Authenticator auth(*store_, Authenticator::Options{.free_failures = 0,
                                                     .max_delay = std::chrono::milliseconds(50)});
  AuthResult r = auth.verify(basic("alice", "wrong"), "c");
  ASSERT_EQ(r.delay.count(), 50);
  std::this_thread::sleep_for(r.delay);  // what a client receiving the delayed 401 has waited
  EXPECT_EQ(auth.verify(basic("alice", "pw"), "c").outcome, AuthOutcome::kAuthenticated);
}

}  // namespace
}  // namespace it::auth
