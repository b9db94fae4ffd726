#include "domain/names.hpp"

namespace it::domain {

bool isValidUsername(std::string_view name) {
  if (name.empty() || name.size() > kMaxUsernameLength) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool isValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (i + len > n) return false;
    if (s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

bool isValidShowName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxShowNameBytes &&
         name.find('\0') == std::string_view::npos && isValidUtf8(name);
}

bool isValidItemName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxItemNameBytes &&
         name.find('\0') == std::string_view::npos && isValidUtf8(name);
}

namespace {

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

bool isValidYoutubeVideoId(std::string_view id) {
  if (id.size() != 11) return false;
  for (char c : id) {
    if (!isAlnum(c) && c != '_' && c != '-') return false;
  }
  return true;
}

bool isValidSpotifyId(std::string_view id) {
  if (id.size() != 22) return false;
  for (char c : id) {
    if (!isAlnum(c)) return false;
  }
  return true;
}

}  // namespace it::domain
