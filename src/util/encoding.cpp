#include "util/encoding.hpp"

#include <sodium.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <stdexcept>

namespace it {
namespace {

std::string toBase64(std::string_view raw, int variant) {
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), variant);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

// The whole of `text` must decode: trailing characters that are not base64 fail it.
std::optional<std::string> fromBase64(std::string_view text, const char* ignore, int variant) {
  std::string raw(text.size(), '\0');  // decoding never lengthens
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), text.data(),
                        text.size(), ignore, &length, nullptr, variant) != 0) {
    return std::nullopt;
  }
  raw.resize(length);
  return raw;
}

}  // namespace

std::string percentEncode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string base64Encode(std::string_view raw) {
  return toBase64(raw, sodium_base64_VARIANT_ORIGINAL);
}

std::optional<std::string> base64Decode(std::string_view text, const char* ignore) {
  return fromBase64(text, ignore, sodium_base64_VARIANT_ORIGINAL);
}

std::string base64UrlEncode(std::string_view raw) {
  return toBase64(raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
  return fromBase64(text, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void ensureSodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    return true;
  }();
  (void)ready;
}

void randomBytes(void* out, std::size_t size) {
  ensureSodium();
  randombytes_buf(out, size);
}

}  // namespace it
