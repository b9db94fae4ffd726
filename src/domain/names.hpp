#pragma once

#include <cstddef>
#include <string_view>

namespace it::domain {

constexpr std::size_t kMaxUsernameLength = 64;
constexpr std::size_t kMaxShowNameBytes = 512;

// 1-64 characters of ASCII letters, digits, '_', '-' and '.'.
bool isValidUsername(std::string_view name);

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view text);

// A show name: non-empty, well-formed UTF-8, at most 512 bytes.
bool isValidShowName(std::string_view name);

}  // namespace it::domain
