#include "client/sync/common.hpp"

#include <boost/json/value.hpp>
#include <cstdio>
#include <ostream>
#include <system_error>

#include "util/encoding.hpp"
#include "util/json.hpp"

namespace it::client::sync {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string trim(std::string_view s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  auto end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string gigabytes(std::uintmax_t bytes) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", static_cast<double>(bytes) / 1024 / 1024 / 1024);
  return text;
}

std::int64_t intOr(const json::object& o, std::string_view key, std::int64_t fallback) {
  return integerAt(o, key).value_or(fallback);
}

std::uintmax_t deleteFiles(const std::vector<fs::path>& paths, std::size_t& failures,
                           Console& console) {
  std::uintmax_t bytes = 0;
  for (const auto& path : paths) {
    std::error_code ec;
    std::uintmax_t size = fs::file_size(path, ec);
    if (ec) size = 0;
    bool removed = fs::remove(path, ec);
    if (ec) {
      console.err << "Could not delete " << path.string() << ": " << ec.message() << "\n";
      ++failures;
    } else if (removed) {
      bytes += size;
    }
  }
  return bytes;
}

SyncResult settle(const ApiClient::Reply& reply, const std::vector<std::string>& keys,
                  const ItemKind& kind, Console& console) {
  SyncResult result;
  std::set<std::string> failed;
  bool listed_all = true;  // every entry of "failed" named its item
  const json::value* list = reply.body.if_contains("failed");
  if (list != nullptr && list->is_array()) {
    for (const json::value& f : list->get_array()) {
      auto key = f.is_object() ? stringAt(f.get_object(), kind.key_field) : std::nullopt;
      if (!key) {
        listed_all = false;
        continue;
      }
      failed.insert(*key);
      auto error = stringAt(f.get_object(), "error");
      console.err << "Could not sync " << kind.noun_one << " " << *key << ": "
                  << error.value_or("no reason given") << "\n";
    }
  } else if (list != nullptr) {
    listed_all = false;
  }
  if (reply.status != 200) {
    // Nothing was recorded (422, 502, or 503 when the server has no credentials for the
    // provider): whatever the list says, nothing is confirmed.
    if (list == nullptr) {
      console.err << "Could not sync " << plural(keys.size(), kind.noun_one, kind.noun_plural)
                  << ": " << stringAt(reply.body, "error").value_or("no reason given") << "\n";
    }
    result.failed = keys.size();
    return result;
  }
  console.out << "Successfully added " << intOr(reply.body, kind.count_field) << " new "
              << kind.noun_plural << " to the remote server.\n";
  if (!listed_all) {
    // A "failed" entry that names no item could be any of them: confirm none.
    console.err << "The server's answer does not say which " << kind.noun_plural
                << " failed; all are kept for the next run.\n";
    result.failed = keys.size();
    return result;
  }
  for (const auto& key : keys) {
    if (!failed.contains(key)) result.confirmed.insert(key);
  }
  result.failed = keys.size() - result.confirmed.size();
  return result;
}

}  // namespace it::client::sync
