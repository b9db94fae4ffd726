#include "client/sync/common.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <optional>
#include <ostream>
#include <system_error>

#include "client/terminal.hpp"
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

void Settlement::add(const ApiClient::Reply& reply, std::span<const std::string> keys) {
  std::set<std::string> failed;
  bool listed_all = true;  // every entry of "failed" named its item
  const json::value* list = reply.body.if_contains("failed");
  if (list != nullptr && list->is_array()) {
    for (const json::value& f : list->get_array()) {
      auto key = f.is_object() ? stringAt(f.get_object(), kind_.key_field) : std::nullopt;
      if (!key) {
        listed_all = false;
        continue;
      }
      failed.insert(*key);
      auto error = stringAt(f.get_object(), "error");
      item_errors_.push_back("Could not sync " + std::string(kind_.noun_one) + " " + *key + ": " +
                             error.value_or("no reason given"));
    }
  } else if (list != nullptr) {
    listed_all = false;
  }
  if (reply.status != 200) {
    // Nothing was recorded (422, 502, or 503 when the server has no credentials for the
    // provider): whatever the list says, nothing is confirmed.
    if (list == nullptr) {
      std::string reason = stringAt(reply.body, "error").value_or("no reason given");
      auto same = std::find_if(batch_errors_.begin(), batch_errors_.end(),
                               [&](const auto& e) { return e.first == reason; });
      if (same != batch_errors_.end()) {
        same->second += keys.size();
      } else {
        batch_errors_.emplace_back(std::move(reason), keys.size());
      }
    }
    result_.failed += keys.size();
    return;
  }
  answered_ok_ = true;
  added_ += intOr(reply.body, kind_.count_field);
  if (!listed_all) {
    // A "failed" entry that names no item could be any of them: confirm none.
    unlisted_ = true;
    result_.failed += keys.size();
    return;
  }
  for (const auto& key : keys) {
    if (!failed.contains(key)) {
      result_.confirmed.insert(key);
    } else {
      ++result_.failed;
    }
  }
}

SyncResult Settlement::report(Console& console) {
  for (const auto& line : item_errors_) console.err << line << "\n";
  for (const auto& [reason, count] : batch_errors_) {
    console.err << "Could not sync " << plural(count, kind_.noun_one, kind_.noun_plural) << ": "
                << reason << "\n";
  }
  if (answered_ok_) {
    console.out << "Successfully added " << added_ << " new " << kind_.noun_plural
                << " to the remote server.\n";
  }
  if (unlisted_) {
    console.err << "The server's answer does not say which " << kind_.noun_plural
                << " failed; all are kept for the next run.\n";
  }
  return std::move(result_);
}

std::size_t itemsThatFit(std::span<const std::size_t> item_bytes, std::size_t fixed_bytes,
                         std::size_t budget) {
  if (item_bytes.empty()) return 0;
  std::size_t bytes = fixed_bytes + item_bytes[0];
  std::size_t count = 1;
  while (count < item_bytes.size()) {
    std::size_t more = 1 + item_bytes[count];  // a comma, then the item
    if (bytes + more > budget) break;
    bytes += more;
    ++count;
  }
  return count;
}

std::vector<std::size_t> packBatches(std::span<const std::size_t> item_bytes,
                                     std::size_t fixed_bytes, std::size_t budget) {
  std::vector<std::size_t> batches;
  for (std::size_t next = 0; next < item_bytes.size();) {
    std::size_t count = itemsThatFit(item_bytes.subspan(next), fixed_bytes, budget);
    batches.push_back(count);
    next += count;
  }
  return batches;
}

namespace {

// What a sync that fails at item `next` of `total` had done, for the end of its error sentence.
std::string sentBefore(std::size_t next, std::size_t total, const char* noun_plural) {
  if (next == 0) return "";
  return "; the server had answered for " + std::to_string(next) + " of the " +
         std::to_string(total) + " " + noun_plural +
         " before that, but nothing was deleted: the next run sends them again, and the server "
         "skips those it has";
}

}  // namespace

void sendInBatches(ApiClient& api, const BatchedRequest& request, std::size_t& budget,
                   Console& console,
                   const std::function<void(const ApiClient::Reply&, std::size_t first,
                                            std::size_t count)>& answered) {
  const std::size_t total = request.items.size();
  if (total == 0) return;
  // The body with an empty list, the list last: "{"backfill":true,"episode_ids":[]}". The
  // items go between its "[" and its "]}".
  json::object envelope = request.fields;
  envelope[request.list_field] = json::array();
  const std::string empty = json::serialize(envelope);
  const std::string_view head = std::string_view(empty).substr(0, empty.size() - 2);
  const std::string_view tail = std::string_view(empty).substr(empty.size() - 2);
  std::vector<std::size_t> sizes;
  sizes.reserve(total);
  for (const auto& item : request.items) sizes.push_back(item.size());

  const bool on_terminal = outIsTerminal(console);
  const std::string label = std::string("Syncing ") + request.noun_plural;
  std::optional<ProgressLine> line;  // drawn once there is more than one batch
  std::size_t next = 0;              // the first item not answered yet
  auto draw = [&](bool force) {
    if (line && (force || line->due())) {
      line->draw(countProgressBar(label, next, total, progressColumns()), force);
    }
  };
  while (next < total) {
    const std::size_t count = itemsThatFit(std::span(sizes).subspan(next), empty.size(), budget);
    if (on_terminal && !line && next + count < total) line.emplace(console.out);
    draw(false);
    std::string body(head);
    for (std::size_t i = next; i < next + count; ++i) {
      if (i > next) body += ',';
      body += request.items[i];
    }
    body += tail;
    const std::size_t body_bytes = body.size();
    ApiClient::Reply reply;
    try {
      if (request.partial_answers) {
        reply = api.postJsonText(request.path, std::move(body), {}, {422, 502, 503});
      } else {
        reply = api.postJsonText(request.path, std::move(body));
      }
    } catch (const RequestTooLarge& e) {
      if (count > 1) {  // the server takes less: smaller batches from here on
        budget = std::max<std::size_t>(body_bytes / 2, 1);
        continue;
      }
      throw ClientError(std::string(e.what()) + ", even for one of the " + request.noun_plural +
                        " alone (a body of " + std::to_string(body_bytes) +
                        " bytes): the server's max_body_bytes is too small for it" +
                        sentBefore(next, total, request.noun_plural));
    } catch (const ClientError& e) {
      if (next == 0) throw;
      throw ClientError(e.what() + sentBefore(next, total, request.noun_plural));
    }
    answered(reply, next, count);
    next += count;
    draw(next == total);
  }
}

}  // namespace it::client::sync
