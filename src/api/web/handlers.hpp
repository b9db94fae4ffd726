#pragma once

#include <string_view>
#include <vector>

#include "api/web/bundle.hpp"
#include "http/router.hpp"

namespace it::api::web {

// GET for every file of the dashboard and for each of its pages (which answer index.html),
// public and inline: they are in memory. index.html is revalidated on every load
// (Cache-Control: no-cache); the other files have content hashes in their names and are
// cached for a year (immutable). Each has an ETag (a matching If-None-Match gets a 304) and
// is sent brotli- or gzip-compressed when the client accepts it.
std::vector<http::Route> routes(const WebBundle& bundle);

enum class Encoding { kIdentity, kGzip, kBrotli };

// The best of the encodings a file has that an Accept-Encoding header accepts: the highest
// q-value, brotli before gzip at equal ones; identity when neither is accepted.
Encoding chooseEncoding(std::string_view accept_encoding, bool has_gzip, bool has_brotli);

// Whether an If-None-Match header lists `etag` (weak comparison, as RFC 9110 asks) or is "*".
bool noneMatchHits(std::string_view if_none_match, std::string_view etag);

}  // namespace it::api::web
