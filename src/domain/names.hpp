#pragma once

#include <cstddef>
#include <string_view>

namespace it::domain {

constexpr std::size_t kMaxUsernameLength = 64;
constexpr std::size_t kMaxShowNameBytes = 512;
constexpr std::size_t kMaxItemNameBytes = 1024;
// Items per immersion sync request; a bigger request is refused whole (400).
constexpr std::size_t kMaxItemsPerRequest = 10'000;

// 1-64 characters of ASCII letters, digits, '_', '-' and '.'.
bool isValidUsername(std::string_view name);

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view text);

// A show name: non-empty, well-formed UTF-8 without NUL, at most 512 bytes.
bool isValidShowName(std::string_view name);

// A folder or file name of the immersion API: non-empty, well-formed UTF-8 without NUL, at most
// 1024 bytes.
bool isValidItemName(std::string_view name);

// A YouTube video id: exactly 11 characters of [A-Za-z0-9_-].
bool isValidYoutubeVideoId(std::string_view id);

// A Spotify id: exactly 22 base-62 characters [0-9A-Za-z].
bool isValidSpotifyId(std::string_view id);

}  // namespace it::domain
