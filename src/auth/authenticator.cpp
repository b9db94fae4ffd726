#include "auth/authenticator.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "auth/passwords.hpp"
#include "domain/names.hpp"
#include "util/client_block.hpp"
#include "util/encoding.hpp"
#include "util/text.hpp"

namespace it::auth {
namespace {

struct Parsed {
  enum class Kind { kMissing, kMalformed, kBasic, kBearer, kSession } kind = Kind::kMissing;
  std::string user;
  std::string secret;  // password or token
};

Parsed parseAuthorization(std::string_view header) {
  Parsed p;
  header = trimSpacesAndTabs(header);
  if (header.empty()) return p;
  p.kind = Parsed::Kind::kMalformed;
  if (startsWithIgnoringCase(header, "basic ")) {
    std::string_view encoded = trimSpacesAndTabs(header.substr(6));
    if (encoded.empty()) return p;
    std::optional<std::string> decoded = base64Decode(encoded);
    if (!decoded) return p;
    auto colon = decoded->find(':');  // the first colon: passwords may contain colons
    if (colon == std::string::npos) return p;
    p.kind = Parsed::Kind::kBasic;
    p.user = decoded->substr(0, colon);
    p.secret = decoded->substr(colon + 1);
  } else if (startsWithIgnoringCase(header, "bearer ") ||
             startsWithIgnoringCase(header, "session ")) {
    bool bearer = startsWithIgnoringCase(header, "bearer ");
    std::string_view secret = trimSpacesAndTabs(header.substr(bearer ? 7 : 8));
    if (secret.empty()) return p;
    p.kind = bearer ? Parsed::Kind::kBearer : Parsed::Kind::kSession;
    p.secret = std::string(secret);
  }
  return p;
}

// A fixed Argon2id hash to verify against when the user does not exist, so that a wrong
// username takes as long as a wrong password and names cannot be probed by timing.
const std::string& dummyHash() {
  static const std::string hash = hashPassword("immersion-tracker: no such user");
  return hash;
}

// Failures are counted per client and user name, so a valid login to one's own account does
// not wipe the record of guesses at another's. A client is its address's block: an IPv6
// client holds a whole /64 and could spread its guesses over it.
std::string failureKey(std::string_view client, std::string_view user) {
  std::string key = clientBlock(client);
  key += '\n';
  key += user;
  return key;
}

// All of a client's failed password checks ('*' is in no user name).
std::string clientKey(std::string_view client) { return failureKey(client, "*"); }

}  // namespace

std::size_t Authenticator::CacheKeyHash::operator()(const CacheKey& k) const {
  std::size_t h;
  std::memcpy(&h, k.data(), sizeof h);  // already a keyed cryptographic digest
  return h;
}

Authenticator::Authenticator(storage::UserStore& store, Options options)
    : store_(store),
      options_(options),
      clock_(options.clock != nullptr ? *options.clock : system_clock_) {
  randomBytes(cache_secret_.data(), cache_secret_.size());
}

Authenticator::CacheKey Authenticator::cacheKey(std::string_view user,
                                                std::string_view password) const {
  CacheKey key;
  crypto_generichash_state st;
  crypto_generichash_init(&st, cache_secret_.data(), cache_secret_.size(), key.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(user.data()), user.size());
  const unsigned char sep = 0;  // usernames cannot contain NUL, so the split is unambiguous
  crypto_generichash_update(&st, &sep, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(password.data()),
                            password.size());
  crypto_generichash_final(&st, key.data(), key.size());
  return key;
}

AuthResult Authenticator::tryFast(std::string_view authorization, std::string_view client) {
  return check(authorization, client, Effort::kMemory);
}

AuthResult Authenticator::tryWithStore(std::string_view authorization, std::string_view client) {
  return check(authorization, client, Effort::kStore);
}

AuthResult Authenticator::verify(std::string_view authorization, std::string_view client) {
  return check(authorization, client, Effort::kArgon2id);
}

AuthResult Authenticator::check(std::string_view authorization, std::string_view client,
                                Effort effort) {
  const bool may_read = effort != Effort::kMemory || store_.fastReads();
  Parsed p = parseAuthorization(authorization);
  switch (p.kind) {
    case Parsed::Kind::kMissing:
      return AuthResult{AuthOutcome::kMissing, {}, {}};
    case Parsed::Kind::kMalformed:
      return reject(client, "");
    case Parsed::Kind::kBearer: {
      if (!may_read) return AuthResult{AuthOutcome::kNeedsStoreRead};
      auto user = store_.findUserByTokenHash(tokenHash(p.secret));
      return user ? accept(Principal{user->name, user->admin}, client) : reject(client, "");
    }
    case Parsed::Kind::kSession:
      if (!may_read) return AuthResult{AuthOutcome::kNeedsStoreRead};
      return checkSession(p.secret, client, effort == Effort::kMemory);
    case Parsed::Kind::kBasic:
      break;
  }

  if (!domain::isValidUsername(p.user)) return reject(client, "");
  CacheKey key = cacheKey(p.user, p.secret);
  if (!may_read) {
    // A login verified recently is re-checked against the store, without Argon2id.
    if (cached(key)) return AuthResult{AuthOutcome::kNeedsStoreRead};
    return needsPasswordCheck(client, p.user);
  }

  // Read before the user row, so an entry never claims a newer version than its data.
  std::optional<std::uint64_t> version = store_.credentialsVersion();
  std::optional<CacheEntry> entry = cached(key);
  // No user or token has changed since the entry was verified: nothing to re-read.
  if (entry && version && entry->version == version) {
    return accept(Principal{entry->username, entry->admin}, client);
  }
  auto user = store_.findUser(p.user);
  if (entry) {
    if (user && constantTimeEquals(user->password_hash, entry->password_hash)) {
      remember(key, *user, version);  // still valid: refresh its version
      return accept(Principal{user->name, user->admin}, client);
    }
    std::lock_guard lock(cache_mutex_);
    cache_.erase(key);  // password changed or user removed since it was cached
  }
  if (effort != Effort::kArgon2id) return needsPasswordCheck(client, p.user);

  // Checked again here: failures may have been counted while this check waited its turn.
  if (auto refused = refuseGuess(client, p.user)) return *refused;
  if (!user) {
    verifyPassword(dummyHash(), p.secret);
    return reject(client, p.user);
  }
  if (!verifyPassword(user->password_hash, p.secret)) return reject(client, p.user);
  remember(key, *user, version);
  return accept(Principal{user->name, user->admin}, client);
}

std::optional<Authenticator::CacheEntry> Authenticator::cached(const CacheKey& key) {
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return std::nullopt;
  if (it->second.expires <= std::chrono::steady_clock::now()) {
    cache_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

// A client guessing faster than its delay allows (in parallel, or dropping connections
// instead of waiting for the delayed 401) is refused without running Argon2id at all; so is
// an address guessing at many user names.
std::optional<AuthResult> Authenticator::refuseGuess(std::string_view client,
                                                     std::string_view user) {
  if (!any_failures_.load(std::memory_order_relaxed)) return std::nullopt;
  if (penaltyLeft(failureKey(client, user), options_.free_failures).count() > 0) {
    return reject(client, user);
  }
  if (auto left = penaltyLeft(clientKey(client), options_.free_failures_per_client);
      left.count() > 0) {
    countFailure(clientKey(client));
    return AuthResult{AuthOutcome::kThrottled, {}, left};
  }
  return std::nullopt;
}

AuthResult Authenticator::needsPasswordCheck(std::string_view client, std::string_view user) {
  if (auto refused = refuseGuess(client, user)) return *refused;
  return AuthResult{AuthOutcome::kNeedsPasswordCheck};
}

void Authenticator::remember(const CacheKey& key, const storage::UserRecord& user,
                             std::optional<std::uint64_t> version) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() >= options_.cache_capacity && !cache_.contains(key)) {
    std::erase_if(cache_, [now](const auto& kv) { return kv.second.expires <= now; });
    if (cache_.size() >= options_.cache_capacity) cache_.clear();
  }
  auto [it, inserted] = cache_.try_emplace(key);
  if (inserted) it->second.expires = now + options_.cache_ttl;  // TTL counts from verification
  it->second.username = user.name;
  it->second.admin = user.admin;
  it->second.password_hash = user.password_hash;
  it->second.version = version;
}

std::chrono::milliseconds Authenticator::delayFor(int failures, int free) const {
  int over = failures - free;
  if (over <= 0) return std::chrono::milliseconds(0);
  // 100 ms, 200 ms, 400 ms, ... up to max_delay.
  long long ms = 100LL << std::min(over - 1, 16);
  return std::min(std::chrono::milliseconds(ms), options_.max_delay);
}

std::chrono::milliseconds Authenticator::penaltyLeft(const std::string& key, int free) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(failures_mutex_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return std::chrono::milliseconds(0);
  const Failures& f = it->second;
  auto since = now - f.last;
  auto delay = delayFor(f.count, free);
  if (since > options_.failure_window || since >= delay) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(delay - since);
}

AuthResult Authenticator::checkSession(std::string_view session_id, std::string_view client,
                                       bool on_io_thread) {
  std::string hash = tokenHash(session_id);
  auto session = store_.findUserBySessionHash(hash);
  std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  if (!session) return reject(client, "");
  // An expired session is no guess: refused at once, not counted against the address.
  if (session->expires_at <= now) return AuthResult{AuthOutcome::kRejected};
  AuthResult result = accept(Principal{session->user.name, session->user.admin}, client);
  // Renewed at most once a day: a write per session and day, not per request.
  const std::int64_t lifetime = options_.session_lifetime.count();
  if (session->expires_at - now < lifetime - 24 * 3600) {
    // A write: never on an I/O thread.
    if (on_io_thread) return AuthResult{AuthOutcome::kNeedsStoreRead};
    store_.extendSession(hash, now + lifetime);
    result.session_renewed = true;
  }
  return result;
}

AuthResult Authenticator::accept(Principal principal, std::string_view client) {
  if (any_failures_.load(std::memory_order_relaxed)) {
    std::lock_guard lock(failures_mutex_);
    failures_.erase(failureKey(client, principal.username));
    any_failures_.store(!failures_.empty(), std::memory_order_relaxed);
  }
  return AuthResult{AuthOutcome::kAuthenticated, std::move(principal), {}};
}

int Authenticator::countFailure(const std::string& key) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(failures_mutex_);
  if (failures_.size() > 100'000) {
    std::erase_if(failures_,
                  [&](const auto& kv) { return now - kv.second.last > options_.failure_window; });
  }
  Failures& f = failures_[key];
  any_failures_.store(true, std::memory_order_relaxed);
  if (now - f.last > options_.failure_window) f.count = 0;
  f.count += 1;
  f.last = now;
  return f.count;
}

AuthResult Authenticator::reject(std::string_view client, std::string_view user) {
  // A guessed password (a user name given) counts against the client address as well.
  if (!user.empty()) countFailure(clientKey(client));
  int count = countFailure(failureKey(client, user));
  return AuthResult{AuthOutcome::kRejected, {}, delayFor(count, options_.free_failures)};
}

}  // namespace it::auth
