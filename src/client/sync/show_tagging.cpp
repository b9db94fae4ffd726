// tagUntaggedShows (steps.hpp): giving the server the TVDB id of each show it knows only by folder
// name.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "client/sync/common.hpp"
#include "client/sync/id_prompt.hpp"
#include "client/sync/steps.hpp"
#include "util/encoding.hpp"
#include "util/json.hpp"

namespace it::client::sync {
namespace {

namespace json = boost::json;

// Asks for the TVDB id of the show in `folder` until the server takes one. Returns false
// when TVDB failed (the show stays untagged for the next run).
bool tagShow(ApiClient& api, Console& console, const std::string& folder) {
  std::string what = "show " + folder;
  auto matches = offerMatches(api, console, folder, kTvdbSeries, what);
  for (;;) {
    std::int64_t id = askId(console, kTvdbSeries, what, matches);
    auto put = api.call("PUT", "show", json::object{{"folder_name", folder}, {"tvdb_id", id}},
                        {404, 422, 502, 503});
    if (put.status == 200) {
      console.out << "Successfully updated show metadata.\n";
      return true;
    }
    std::string error = stringAt(put.body, "error").value_or("no reason given");
    if (put.status == 422) {  // TVDB does not know that id: ask again
      console.out << error << "\n";
      continue;
    }
    if (put.status != 404) {  // TVDB failing: the show stays untagged for the next run
      console.err << "Could not tag show " << folder << ": " << error << "\n";
      return false;
    }
    return true;  // 404: the folder is gone from the server; nothing to tag
  }
}

}  // namespace

std::size_t tagUntaggedShows(ApiClient& api, const SyncOptions& options, Console& console) {
  console.out << "Retrieving remote show metadata...\n";
  console.out.flush();
  auto reply = api.call("GET", "shows");
  const json::value* shows = reply.body.if_contains("shows");
  if (shows == nullptr || !shows->is_array()) return 0;
  std::size_t left_untagged = 0;
  std::size_t failed = 0;
  for (const json::value& show : shows->get_array()) {
    if (!show.is_object()) continue;
    const json::object& s = show.get_object();
    if (intOr(s, "tvdb_id") != 0) continue;
    auto folder = stringAt(s, "folder_name");
    if (!folder) continue;
    if (options.non_interactive) {
      ++left_untagged;
    } else if (!tagShow(api, console, *folder)) {
      ++failed;
    }
  }
  if (left_untagged > 0) {
    console.out << "Left " << left_untagged << (left_untagged == 1 ? " show" : " shows")
                << " untagged (--non-interactive); tag them in a run without it.\n";
  }
  return failed;
}

}  // namespace it::client::sync
