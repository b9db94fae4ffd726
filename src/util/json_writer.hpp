#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace it {

// Writes JSON straight into a string, byte for byte as boost::json::serialize writes the same
// document (no spaces; strings escaped alike: \" \\ \b \f \n \r \t, other control characters
// as \u00XX in lower case, every other byte as it is), for the answers whose shape is fixed and
// whose lists are long: GET /progress lists every movie of the user. Building a json::value of
// them first cost more than the rest of the request. Keys must need no escaping (they are ours).
class JsonWriter {
 public:
  // `capacity`: about what the document will take (it grows past it if need be).
  explicit JsonWriter(std::size_t capacity) : out_(capacity, '\0') {}

  JsonWriter& beginObject() { return open('{'); }
  JsonWriter& endObject() { return close('}'); }
  JsonWriter& beginArray() { return open('['); }
  JsonWriter& endArray() { return close(']'); }
  JsonWriter& key(std::string_view name) {
    char* p = room(name.size() + 4);
    if (!first_) *p++ = ',';
    *p++ = '"';
    p = copy(p, name);
    *p++ = '"';
    *p++ = ':';
    done(p);
    first_ = true;  // the value follows without a comma
    return *this;
  }
  JsonWriter& value(std::int64_t n) {
    char* p = separate(21);
    done(std::to_chars(p, p + 20, n).ptr);
    return *this;
  }
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(bool b) { return raw(b ? "true" : "false"); }
  JsonWriter& value(std::nullptr_t) { return raw("null"); }
  JsonWriter& value(std::string_view text) {
    // The bytes before the first that needs an escape (usually all of them) in one copy.
    std::size_t plain = 0;
    while (plain < text.size() && !needsEscape(text[plain])) ++plain;
    char* p = separate(plain + 2);
    *p++ = '"';
    p = copy(p, text.substr(0, plain));
    if (plain < text.size()) p = escaped(p, text.substr(plain));
    *p++ = '"';
    done(p);
    return *this;
  }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  template <class T>
  JsonWriter& value(const std::optional<T>& v) {
    return v ? value(*v) : value(nullptr);
  }
  // A value written already (a number formatted elsewhere).
  JsonWriter& raw(std::string_view text) {
    done(copy(separate(text.size()), text));
    return *this;
  }
  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  std::string take() {
    out_.resize(used_);
    return std::move(out_);
  }

 private:
  static bool needsEscape(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == '"' || u == '\\';
  }
  static char* copy(char* p, std::string_view text) {
    std::memcpy(p, text.data(), text.size());
    return p + text.size();
  }
  // Room for `n` more bytes; where they go.
  char* room(std::size_t n) {
    if (out_.size() - used_ < n) out_.resize(std::max(out_.size() * 2, used_ + n));
    return out_.data() + used_;
  }
  // Room for a comma (unless first) and `n` bytes; where the bytes go.
  char* separate(std::size_t n) {
    char* p = room(n + 1);
    if (!first_) *p++ = ',';
    first_ = false;
    return p;
  }
  void done(char* end) { used_ = static_cast<std::size_t>(end - out_.data()); }
  JsonWriter& open(char bracket) {
    char* p = separate(1);
    *p++ = bracket;
    done(p);
    first_ = true;
    return *this;
  }
  JsonWriter& close(char bracket) {
    char* p = room(1);
    *p++ = bracket;
    done(p);
    first_ = false;
    return *this;
  }
  // `text` escaped as Boost.JSON escapes it, at `p` (whose room is grown as needed).
  char* escaped(char* p, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (char ch : text) {
      done(p);
      p = room(7);  // the longest escape, and the closing quote
      const auto c = static_cast<unsigned char>(ch);
      if (!needsEscape(ch)) {
        *p++ = ch;
        continue;
      }
      *p++ = '\\';
      switch (c) {
        case '"':
        case '\\':
          *p++ = ch;
          break;
        case '\b':
          *p++ = 'b';
          break;
        case '\f':
          *p++ = 'f';
          break;
        case '\n':
          *p++ = 'n';
          break;
        case '\r':
          *p++ = 'r';
          break;
        case '\t':
          *p++ = 't';
          break;
        default:
          p = copy(p, "u00");
          *p++ = kHex[c >> 4];
          *p++ = kHex[c & 15];
      }
    }
    return p;
  }

  std::string out_;  // its size is the room; the document is its first used_ bytes
  std::size_t used_ = 0;
  bool first_ = true;  // nothing written yet at this level: no comma before the next value
};

}  // namespace it
