#include "auth/passwords.hpp"

#include <sodium.h>

#include <stdexcept>

#include "util/encoding.hpp"

namespace it::auth {

std::string hashPassword(std::string_view password) {
  ensureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("out of memory while hashing a password");
  }
  return out;
}

bool verifyPassword(std::string_view hash, std::string_view password) {
  ensureSodium();
  std::string h(hash);  // crypto_pwhash_str_verify needs a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

namespace {

std::string base64url(const unsigned char* bytes, std::size_t n) {
  return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), n));
}

std::string hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

}  // namespace

std::string randomPassword() {
  unsigned char bytes[18];
  randomBytes(bytes, sizeof bytes);
  return base64url(bytes, sizeof bytes);
}

std::string newSessionId() {
  unsigned char bytes[32];
  randomBytes(bytes, sizeof bytes);
  return base64url(bytes, sizeof bytes);
}

NewToken generateToken() {
  unsigned char id[4];
  unsigned char secret[32];
  randomBytes(id, sizeof id);
  randomBytes(secret, sizeof secret);
  NewToken t;
  t.id = hex(id, sizeof id);
  t.token = "itk_" + t.id + "_" + base64url(secret, sizeof secret);
  t.hash = tokenHash(t.token);
  return t;
}

std::string tokenHash(std::string_view token) {
  ensureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return hex(digest, sizeof digest);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace it::auth
