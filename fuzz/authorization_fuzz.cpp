// The Authorization header parser (Basic and Bearer), through Authenticator::tryFast, which
// never runs Argon2id, with a store that knows one token. Three headers per input: the input
// itself, "Basic " + base64(input) and "Bearer " + input.
//
// Invariants: a header that is empty after trimming spaces and tabs is kMissing, any other is
// not; only the known token authenticates (as its user); a Basic header reaches the password
// check (kNeedsPasswordCheck) exactly when its credentials are "user:password" with a valid user
// name, and is rejected otherwise; rejection delays stay within max_delay.

#include <string>

#include "auth/authenticator.hpp"
#include "auth/passwords.hpp"
#include "domain/names.hpp"
#include "fuzz_support.hpp"
#include "util/encoding.hpp"

namespace {

using it::auth::AuthOutcome;
using it::auth::AuthResult;

constexpr std::string_view kToken = "itk_0123abcd_s3cr3t-t0ken";

struct Fixture {
  it::fuzz::StubStore store;
  it::auth::Authenticator::Options options;
  std::optional<it::auth::Authenticator> authenticator;
  Fixture() {
    it::ensureSodium();
    store.token_hash = it::auth::tokenHash(kToken);
    authenticator.emplace(store, options);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

AuthResult check(std::string_view header) {
  Fixture& f = fixture();
  AuthResult result = f.authenticator->tryFast(header, "192.0.2.1");
  FUZZ_CHECK(result.delay >= std::chrono::milliseconds(0) && result.delay <= f.options.max_delay);
  FUZZ_CHECK((result.outcome == AuthOutcome::kMissing) == trimmed(header).empty());
  if (result.outcome == AuthOutcome::kAuthenticated) {
    FUZZ_CHECK(result.principal.username == "alice" && !result.principal.admin);
  } else {
    FUZZ_CHECK(result.principal.username.empty());
  }
  if (result.outcome != AuthOutcome::kRejected) {
    FUZZ_CHECK(result.delay == std::chrono::milliseconds(0));
  }
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = it::fuzz::textOf(data, size);

  AuthResult raw = check(input);
  if (raw.outcome == AuthOutcome::kAuthenticated) {
    std::string_view h = trimmed(input);
    FUZZ_CHECK(h.size() > 7 && trimmed(h.substr(7)) == kToken);
  }

  // Basic: credentials given as bytes, so every user name and password can be reached.
  AuthResult basic = check("Basic " + it::base64Encode(input));
  auto colon = input.find(':');
  bool well_formed = !input.empty() && colon != std::string_view::npos &&
                     it::domain::isValidUsername(input.substr(0, colon));
  FUZZ_CHECK(basic.outcome ==
             (well_formed ? AuthOutcome::kNeedsPasswordCheck : AuthOutcome::kRejected));

  // Bearer: only the one token, surrounded by any spaces or tabs, gets in.
  AuthResult bearer = check("Bearer " + std::string(input));
  FUZZ_CHECK((bearer.outcome == AuthOutcome::kAuthenticated) == (trimmed(input) == kToken));
  if (bearer.outcome != AuthOutcome::kAuthenticated) {
    FUZZ_CHECK(bearer.outcome == AuthOutcome::kRejected);
  }
  return 0;
}
