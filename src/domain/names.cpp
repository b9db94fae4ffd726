#include "domain/names.hpp"

#include "util/utf8.hpp"

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

bool isValidUtf8(std::string_view text) { return it::isValidUtf8(text); }

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
