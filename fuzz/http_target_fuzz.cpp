// http::parseTarget: the request target of every request ("/api/show_user?username=a").
//
// Invariants: an accepted target starts with '/'; decoding is stable: the decoded path and
// parameters, percent-encoded again (by an encoder written here, not Boost.URL's), parse back
// to the same values; queryParam finds the first parameter of a name.

#include <string>
#include <utility>
#include <vector>

#include "fuzz_support.hpp"
#include "http/message.hpp"

namespace {

std::string percentEncoded(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view target = it::fuzz::textOf(data, size);
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  if (!it::http::parseTarget(target, path, query)) return 0;

  FUZZ_CHECK(!target.empty() && target.front() == '/');
  FUZZ_CHECK(!path.empty() && path.front() == '/');
  if (target.find('?') == std::string_view::npos) FUZZ_CHECK(query.empty());

  std::string rebuilt = percentEncoded(path, true);
  for (std::size_t i = 0; i < query.size(); ++i) {
    rebuilt += i == 0 ? '?' : '&';
    rebuilt += percentEncoded(query[i].first, false);
    rebuilt += '=';
    rebuilt += percentEncoded(query[i].second, false);
  }
  std::string path2;
  std::vector<std::pair<std::string, std::string>> query2;
  FUZZ_CHECK(it::http::parseTarget(rebuilt, path2, query2));
  FUZZ_CHECK(path2 == path);
  FUZZ_CHECK(query2 == query);

  it::http::Request request;
  request.query = query;
  for (const auto& [name, value] : query) {
    auto found = request.queryParam(name);
    FUZZ_CHECK(found.has_value());
    for (const auto& [n, v] : query) {
      if (n == name) {
        FUZZ_CHECK(*found == v);
        break;
      }
    }
  }
  return 0;
}
