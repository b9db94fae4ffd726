#include "api/web/handlers.hpp"

#include <memory>
#include <optional>
#include <string>

#include "util/text.hpp"

namespace it::api::web {
namespace {

// The dashboard's pages load only what they are served from here; pictures may come from
// the providers' artwork hosts (https), and nothing may frame them.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kForAYear = "public, max-age=31536000, immutable";

// Calls `each(element)` for every comma-separated element of a header, trimmed.
template <typename Each>
void forEachElement(std::string_view header, Each each) {
  while (!header.empty()) {
    auto comma = header.find(',');
    each(trimSpacesAndTabs(header.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
}

// The q-value of one "coding;q=0.5" element (1 without one; 0 for a malformed one).
double qValue(std::string_view parameters) {
  parameters = trimSpacesAndTabs(parameters);
  if (parameters.empty()) return 1.0;
  if (parameters.size() < 3 || !equalsIgnoringCase(parameters.substr(0, 2), "q=")) return 0.0;
  std::string_view number = trimSpacesAndTabs(parameters.substr(2));
  // RFC 9110: "0" or "1", optionally followed by up to three decimals.
  if (number.empty() || number.size() > 5 || (number[0] != '0' && number[0] != '1')) return 0.0;
  double value = number[0] - '0';
  if (number.size() > 1) {
    if (number[1] != '.') return 0.0;
    double scale = 0.1;
    for (char c : number.substr(2)) {
      if (c < '0' || c > '9') return 0.0;
      value += (c - '0') * scale;
      scale /= 10;
    }
  }
  return value > 1.0 ? 1.0 : value;
}

// How much an Accept-Encoding header wants `coding`: its q-value, else that of "*", else 0.
double acceptance(std::string_view header, std::string_view coding) {
  std::optional<double> named;
  std::optional<double> any;
  forEachElement(header, [&](std::string_view element) {
    auto semicolon = element.find(';');
    std::string_view name = trimSpacesAndTabs(element.substr(0, semicolon));
    double q = semicolon == std::string_view::npos ? 1.0 : qValue(element.substr(semicolon + 1));
    if (equalsIgnoringCase(name, coding)) named = q;
    if (name == "*") any = q;
  });
  return named.value_or(any.value_or(0.0));
}

// One way a file is sent: its bytes, their Content-Encoding and ETag.
struct Representation {
  std::string_view body;
  std::string_view encoding;  // empty for identity
  std::string etag;
};

// A file ready to serve: the representations it has, and whether it is a page (revalidated on
// every load) or a hashed asset (cached for a year).
struct ServedFile {
  std::string_view content_type;
  bool is_page = false;
  Representation identity, gzip, brotli;
};

std::shared_ptr<const ServedFile> prepare(const EmbeddedFile& file, bool is_page) {
  auto served = std::make_shared<ServedFile>();
  served->content_type = file.content_type;
  served->is_page = is_page;
  // Each representation has its own tag, so a cache never answers one for another.
  std::string_view quoted = file.etag;
  std::string_view bare = quoted.size() >= 2 ? quoted.substr(1, quoted.size() - 2) : quoted;
  auto tagged = [&](std::string_view suffix) {
    return "\"" + std::string(bare) + std::string(suffix) + "\"";
  };
  served->identity = {file.identity, {}, std::string(quoted)};
  served->gzip = {file.gzip, "gzip", tagged("-gzip")};
  served->brotli = {file.brotli, "br", tagged("-br")};
  return served;
}

http::Response answer(const ServedFile& file, const http::Request& request) {
  Encoding encoding = chooseEncoding(request.header("accept-encoding").value_or(""),
                                     !file.gzip.body.empty(), !file.brotli.body.empty());
  const Representation& chosen = encoding == Encoding::kBrotli ? file.brotli
                                 : encoding == Encoding::kGzip ? file.gzip
                                                               : file.identity;
  http::Response r;
  r.headers.emplace_back("ETag", chosen.etag);
  r.headers.emplace_back("Cache-Control", std::string(file.is_page ? kRevalidate : kForAYear));
  r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (file.is_page) {
    r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  if (auto tags = request.header("if-none-match"); tags && noneMatchHits(*tags, chosen.etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = std::string(file.content_type);
  if (!chosen.encoding.empty())
    r.headers.emplace_back("Content-Encoding", std::string(chosen.encoding));
  r.static_body = chosen.body;  // embedded in the binary: written without a copy
  return r;
}

http::Route route(std::string path, std::shared_ptr<const ServedFile> file) {
  return {http::Method::kGet, std::move(path), http::Access::kPublic, http::Execution::kInline,
          [file = std::move(file)](const http::Request& request, const auth::Principal&,
                                   http::Respond respond) { respond(answer(*file, request)); }};
}

}  // namespace

Encoding chooseEncoding(std::string_view accept_encoding, bool has_gzip, bool has_brotli) {
  double brotli = has_brotli ? acceptance(accept_encoding, "br") : 0.0;
  double gzip = has_gzip ? acceptance(accept_encoding, "gzip") : 0.0;
  if (brotli > 0 && brotli >= gzip) return Encoding::kBrotli;
  if (gzip > 0) return Encoding::kGzip;
  return Encoding::kIdentity;
}

bool noneMatchHits(std::string_view if_none_match, std::string_view etag) {
  auto opaque = [](std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; };
  bool hit = false;
  forEachElement(if_none_match, [&](std::string_view tag) {
    if (tag == "*" || opaque(tag) == opaque(etag)) hit = true;
  });
  return hit;
}

std::vector<http::Route> routes(const WebBundle& bundle) {
  std::vector<http::Route> out;
  for (const EmbeddedFile& file : bundle.files) {
    if (file.path == "/index.html") {
      auto index = prepare(file, true);
      for (std::string_view page : bundle.page_paths)
        out.push_back(route(std::string(page), index));
    } else {
      out.push_back(route(std::string(file.path), prepare(file, false)));
    }
  }
  return out;
}

}  // namespace it::api::web
