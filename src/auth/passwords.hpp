#pragma once

#include <string>
#include <string_view>

namespace it::auth {

// Argon2id (libsodium crypto_pwhash_str, "interactive" limits: 2 passes, 64 MiB). Takes tens
// of milliseconds and 64 MiB by design: never call it on an I/O thread.
std::string hashPassword(std::string_view password);
// Constant-time verification against a crypto_pwhash_str string.
bool verifyPassword(std::string_view hash, std::string_view password);

// A random password for the first admin: 24 characters of base64url (144 bits).
std::string randomPassword();

// API tokens look like "itk_<id>_<secret>": the id (8 hex digits) names the token in
// `token list` and `token revoke`; only the SHA-256 of the whole token is stored. A token
// has 256 bits of entropy, so a fast hash is as good as a slow one.
struct NewToken {
  std::string id;
  std::string token;
  std::string hash;
};
NewToken generateToken();
// A web dashboard session's id: 256 random bits as 43 characters of base64url. Stored, like a
// token, only as tokenHash(id).
std::string newSessionId();
std::string tokenHash(std::string_view token);

// Equal-length comparison in constant time; unequal lengths compare unequal.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace it::auth
