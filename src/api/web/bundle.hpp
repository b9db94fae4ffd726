#pragma once

#include <span>
#include <string_view>

namespace it::api::web {

// One file of the web dashboard, compiled into the binary (scripts/embed-web-bundle.mjs
// writes them from Vite's output). `gzip` and `brotli` are the same bytes precompressed, or
// empty when compressing does not make the file smaller.
struct EmbeddedFile {
  std::string_view path;  // "/index.html", "/assets/index-3f9a1c2e.js"
  std::string_view content_type;
  std::string_view identity;
  std::string_view gzip;
  std::string_view brotli;
  std::string_view etag;  // a hash of `identity`, quoted: "\"3f9a1c2e5b7d9e01\""
};

// The dashboard: its files and the paths of its pages ("/", "/tv", ...), which all answer
// its index.html (the app routes in the browser).
struct WebBundle {
  std::span<const EmbeddedFile> files;
  std::span<const std::string_view> page_paths;
};

// The bundle this binary was built with: the dashboard from web/, or, in a build without it
// (cmake -DIT_WEB_DASHBOARD=OFF), a page that says so.
const WebBundle& embeddedBundle();

}  // namespace it::api::web
