// The bundle of a build without the web dashboard (cmake -DIT_WEB_DASHBOARD=OFF, as the fuzz
// preset does): one page that says so, so "/" still tells a visitor what they reached.
#include "api/web/bundle.hpp"

namespace it::api::web {
namespace {

constexpr std::string_view kIndex =
    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>immersion-tracker</title>"
    "<p>This immersion-tracker was built without its web dashboard "
    "(<code>-DIT_WEB_DASHBOARD=OFF</code>). The API answers as usual.</p></html>\n";

constexpr EmbeddedFile kFiles[] = {
    {"/index.html", "text/html; charset=utf-8", kIndex, {}, {}, "\"no-dashboard-1\""},
};
constexpr std::string_view kPages[] = {"/"};

}  // namespace

const WebBundle& embeddedBundle() {
  static const WebBundle bundle{kFiles, kPages};
  return bundle;
}

}  // namespace it::api::web
