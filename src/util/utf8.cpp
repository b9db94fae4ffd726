#include "util/utf8.hpp"

namespace it {

std::size_t utf8SequenceLength(std::string_view text, std::size_t at) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  unsigned char c = s[at];
  if (c < 0x80) return 1;
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
    return 0;
  }
  if (at + len > text.size()) return 0;
  if (s[at + 1] < lo || s[at + 1] > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (s[at + k] < 0x80 || s[at + k] > 0xBF) return 0;
  }
  return len;
}

std::size_t utf8CodePoints(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool isValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = utf8SequenceLength(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Copies `text`, replacing bytes outside well-formed sequences, and dropping the sequences
// `drop` says to.
template <typename Drop>
std::string rewrite(std::string_view text, Drop drop) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = utf8SequenceLength(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    std::string_view sequence = text.substr(i, len);
    if (!drop(sequence)) out += sequence;
    i += len;
  }
  return out;
}

}  // namespace

std::string withInvalidUtf8Replaced(std::string_view text) {
  if (isValidUtf8(text)) return std::string(text);
  return rewrite(text, [](std::string_view) { return false; });
}

std::string terminalSafe(std::string_view text) {
  return rewrite(text, [](std::string_view sequence) {
    auto first = static_cast<unsigned char>(sequence[0]);
    if (sequence.size() == 1)
      return (first < 0x20 && first != '\t' && first != '\n') || first == 0x7F;
    // U+0080-U+009F are 0xC2 0x80-0x9F.
    return first == 0xC2 && static_cast<unsigned char>(sequence[1]) <= 0x9F;
  });
}

}  // namespace it
