#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace it {

// Text encodings for URLs, HTTP credentials, tokens and cursors, and random bytes, on
// Boost.URL and libsodium. Pure functions (randomBytes draws from the system CSPRNG), all
// thread-safe.

// Percent-encodes `text` for a URL path segment or query value (all but RFC 3986 unreserved
// characters).
std::string percentEncode(std::string_view text);
// A base URL without trailing slashes, so that paths can be appended.
std::string trimSlash(std::string url);

// Standard base64 with padding (Basic credentials, Lambda bodies).
std::string base64Encode(std::string_view raw);
// Decodes standard base64 with padding; characters of `ignore` (a C string, e.g. " \r\n") may
// appear anywhere and are skipped. Nothing when `text` is not valid base64.
std::optional<std::string> base64Decode(std::string_view text, const char* ignore = nullptr);
// base64url without padding (tokens, passwords, paging cursors: safe in URLs as they are).
std::string base64UrlEncode(std::string_view raw);
// Decodes base64url without padding; nothing when `text` is not valid.
std::optional<std::string> base64UrlDecode(std::string_view text);

// Initialises libsodium once; safe to call from any thread, any number of times. Throws when
// libsodium cannot initialise.
void ensureSodium();
// Fills `out` with `size` random bytes from libsodium's CSPRNG.
void randomBytes(void* out, std::size_t size);

}  // namespace it
