// The headers that choose how a file of the web dashboard is sent: Accept-Encoding (which
// precompressed bytes) and If-None-Match (a 304), through the route of a small bundle. The
// input is split at its first newline: the Accept-Encoding header before it, If-None-Match
// after it.
//
// Invariants: an encoding a file lacks is never chosen; with both, the choice agrees with the
// choice among each alone (brotli with both means brotli with brotli alone, gzip likewise);
// a tag listed anywhere in If-None-Match (or "*") hits; the answer is a 304 without a body
// exactly when the tag of the chosen bytes hits, else a 200 with those bytes and their
// Content-Encoding.

#include <string>
#include <vector>

#include "api/web/handlers.hpp"
#include "fuzz_support.hpp"

namespace {

using it::api::web::chooseEncoding;
using it::api::web::Encoding;
using it::api::web::noneMatchHits;

constexpr it::api::web::EmbeddedFile kFiles[] = {
    {"/index.html", "text/html; charset=utf-8", "<p>page</p>", "gzip-page", "br-page", "\"p1\""},
    {"/assets/app-1.js", "text/javascript; charset=utf-8", "identity-js", "gzip-js", "br-js",
     "\"j1\""},
};
constexpr std::string_view kPages[] = {"/"};

std::string headerOf(const it::http::Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = it::fuzz::textOf(data, size);
  auto newline = input.find('\n');
  std::string_view accept = input.substr(0, newline);
  std::string_view none_match =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  FUZZ_CHECK(chooseEncoding(accept, false, false) == Encoding::kIdentity);
  Encoding gzip_only = chooseEncoding(accept, true, false);
  Encoding brotli_only = chooseEncoding(accept, false, true);
  Encoding both = chooseEncoding(accept, true, true);
  FUZZ_CHECK(gzip_only != Encoding::kBrotli && brotli_only != Encoding::kGzip);
  if (both == Encoding::kBrotli) FUZZ_CHECK(brotli_only == Encoding::kBrotli);
  if (both == Encoding::kGzip) FUZZ_CHECK(gzip_only == Encoding::kGzip);
  if (both == Encoding::kIdentity) FUZZ_CHECK(gzip_only == Encoding::kIdentity);

  std::string listed = std::string(none_match) + ", \"j1-br\"";
  FUZZ_CHECK(noneMatchHits(listed, "\"j1-br\""));
  FUZZ_CHECK(noneMatchHits(std::string(none_match) + ",*", "\"anything\""));

  static const std::vector<it::http::Route> routes =
      it::api::web::routes(it::api::web::WebBundle{kFiles, kPages});
  it::http::Request request;
  request.path = "/assets/app-1.js";
  request.headers = {{"accept-encoding", std::string(accept)},
                     {"if-none-match", std::string(none_match)}};
  for (const auto& route : routes) {
    if (route.path != request.path) continue;
    route.handler(request, {}, [&](it::http::Response r) {
      std::string etag = headerOf(r, "ETag");
      std::string encoding = headerOf(r, "Content-Encoding");
      FUZZ_CHECK(etag == (both == Encoding::kBrotli ? "\"j1-br\""
                          : both == Encoding::kGzip ? "\"j1-gzip\""
                                                    : "\"j1\""));
      if (noneMatchHits(none_match, etag)) {
        FUZZ_CHECK(r.status == 304 && r.bytes().empty());
      } else {
        FUZZ_CHECK(r.status == 200);
        FUZZ_CHECK(r.bytes() == (both == Encoding::kBrotli ? "br-js"
                                 : both == Encoding::kGzip ? "gzip-js"
                                                           : "identity-js"));
        FUZZ_CHECK(encoding == (both == Encoding::kBrotli ? "br"
                                : both == Encoding::kGzip ? "gzip"
                                                          : ""));
      }
    });
  }
  return 0;
}
