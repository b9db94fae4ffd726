#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/users.hpp"
#include "util/clock.hpp"

namespace it::auth {

// Who made a request.
struct Principal {
  std::string username;
  bool admin = false;
};

// How long a web dashboard session lasts after its last use.
inline constexpr std::chrono::seconds kSessionLifetime{30 * 24 * 3600};

enum class AuthOutcome {
  kAuthenticated,
  kMissing,   // no Authorization header
  kRejected,  // malformed or wrong credentials
  // A store read can tell (a token, or a login verified recently, on a store whose reads are
  // round trips): call tryWithStore() off the I/O thread.
  kNeedsStoreRead,
  // Only an Argon2id check can tell (a login not verified recently): call verify() off the
  // I/O thread, away from the work of users already signed in.
  kNeedsPasswordCheck,
  kThrottled,  // too many failures from this client address: not checked (429)
};

struct AuthResult {
  AuthOutcome outcome = AuthOutcome::kMissing;
  Principal principal;
  // kRejected: how long to hold the 401 back, growing with the client's recent failures.
  // kThrottled: how long until the address may try again.
  std::chrono::milliseconds delay{0};
  // A session whose expiry was just moved on: the browser should be told (its cookie too).
  bool session_renewed = false;
};

// Checks "Authorization: Basic ...", "Authorization: Bearer <token>" and the web dashboard's
// sessions ("Session <id>", which the router makes of the session cookie) against the store.
//
// Argon2id costs tens of milliseconds and 64 MiB, so a verified (user, password) pair is
// remembered for a short time under a keyed BLAKE2b digest of the pair (never the password
// itself). A cache hit is trusted while the store's credentials version is unchanged, and
// otherwise re-checked against the user's current password hash, so a changed password or a
// removed user stops working at once. Tokens are looked up by their SHA-256.
// Failures are counted per (client address, user name): after `free_failures` the 401 is held
// back, growing to `max_delay`, and attempts that arrive before the delay has passed are
// refused without running Argon2id. They are also counted per client address over all user
// names: after `free_failures_per_client`, password checks from that address are throttled
// the same way (kThrottled), so guessing many user names at once cannot keep the worker
// threads busy with Argon2id. Logins already verified (cached) and tokens are not throttled.
// A session lasts `session_lifetime` from its last use: a use more than a day after the last
// renewal moves its expiry on (kAuthenticated with session_renewed).
// Thread-safe.
class Authenticator {
 public:
  struct Options {
    std::chrono::seconds cache_ttl{300};
    std::size_t cache_capacity = 10'000;
    int free_failures = 3;  // failures per client and user before rejections are delayed
    int free_failures_per_client = 20;  // failures per client, over all user names
    std::chrono::milliseconds max_delay{5000};
    std::chrono::seconds failure_window{900};
    std::chrono::seconds session_lifetime = kSessionLifetime;
    const Clock* clock = nullptr;  // session expiry; nullptr: the system clock
  };

  Authenticator(storage::UserStore& store, Options options);
  explicit Authenticator(storage::UserStore& store) : Authenticator(store, Options{}) {}

  // Never runs Argon2id; touches the store only when its reads are fast. May answer
  // kNeedsStoreRead or kNeedsPasswordCheck (also for a session due for renewal, a write). A
  // client already refused for its failures is answered here, without queueing a check.
  AuthResult tryFast(std::string_view authorization, std::string_view client);
  // May read the store, never runs Argon2id. May answer kNeedsPasswordCheck.
  AuthResult tryWithStore(std::string_view authorization, std::string_view client);
  // Complete check; may run Argon2id. Never answers kNeedsStoreRead or kNeedsPasswordCheck.
  AuthResult verify(std::string_view authorization, std::string_view client);

 private:
  using CacheKey = std::array<unsigned char, 32>;
  struct CacheKeyHash {
    std::size_t operator()(const CacheKey& k) const;
  };
  struct CacheEntry {
    std::string username;
    bool admin = false;
    std::string password_hash;             // the stored hash the password was verified against
    std::optional<std::uint64_t> version;  // Store::credentialsVersion() when last checked
    std::chrono::steady_clock::time_point expires;
  };
  struct Failures {
    int count = 0;
    std::chrono::steady_clock::time_point last;
  };

  // How far a check may go before it must hand over to a slower one.
  enum class Effort { kMemory, kStore, kArgon2id };

  AuthResult check(std::string_view authorization, std::string_view client, Effort effort);
  std::optional<CacheEntry> cached(const CacheKey& key);
  // A refusal without checking the password, when `client` has failed too often lately.
  std::optional<AuthResult> refuseGuess(std::string_view client, std::string_view user);
  // What a login not verified recently gets short of running Argon2id.
  AuthResult needsPasswordCheck(std::string_view client, std::string_view user);
  AuthResult accept(Principal principal, std::string_view client);
  // A session id's user, with its expiry moved on when due (off the I/O threads: there the
  // renewal is kNeedsStoreRead); a 401 when there is none.
  AuthResult checkSession(std::string_view session_id, std::string_view client, bool on_io_thread);
  void remember(const CacheKey& key, const storage::UserRecord& user,
                std::optional<std::uint64_t> version);
  AuthResult reject(std::string_view client, std::string_view user);
  // Records a failure under `key`; returns how many there have been in the window.
  int countFailure(const std::string& key);
  std::chrono::milliseconds delayFor(int failures, int free) const;
  // What is left of the delay of the failures recorded under `key`; zero when none.
  std::chrono::milliseconds penaltyLeft(const std::string& key, int free);
  CacheKey cacheKey(std::string_view user, std::string_view password) const;

  storage::UserStore& store_;
  Options options_;
  SystemClock system_clock_;
  const Clock& clock_;
  std::array<unsigned char, 32> cache_secret_{};

  std::mutex cache_mutex_;
  std::unordered_map<CacheKey, CacheEntry, CacheKeyHash> cache_;
  std::atomic<bool> any_failures_{false};  // lets a success skip the lock in the usual case
  std::mutex failures_mutex_;
  std::unordered_map<std::string, Failures> failures_;
};

}  // namespace it::auth
