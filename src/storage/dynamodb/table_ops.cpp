#include "storage/dynamodb/table_ops.hpp"

#include <sodium.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "util/retry.hpp"

namespace it::storage::dynamodb {
namespace {

const json::object* attribute(const json::object& item, std::string_view name) {
  const auto* v = item.if_contains(name);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

const json::string* typed(const json::object& item, std::string_view name, const char* type) {
  const json::object* a = attribute(item, name);
  if (a == nullptr) return nullptr;
  const auto* v = a->if_contains(type);
  return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
}

// Sends `pending` with `send`, which answers what is left unprocessed, until nothing is;
// with backoff between rounds, and an AwsError `code` after TableOps::kMaxUnprocessedRounds.
template <class Send>
void untilProcessed(json::array pending, const char* code, const std::string& what, Send&& send) {
  for (int round = 0; !pending.empty(); ++round) {
    if (round == TableOps::kMaxUnprocessedRounds) {
      throw aws::AwsError(code,
                          std::to_string(pending.size()) + " " + what +
                              " were still unprocessed after " + std::to_string(round) + " rounds",
                          200);
    }
    if (round > 0) {
      std::this_thread::sleep_for(fullJitterBackoff(std::chrono::milliseconds(50),
                                                    std::chrono::milliseconds(5000), round - 1));
    }
    pending = send(std::move(pending));
  }
}

// Runs work(0) .. work(n - 1) on up to TableOps::kParallelCalls threads (this one included),
// so that the calls of one large batch overlap their round trips; rethrows the first failure
// once all have ended.
void runParallel(std::size_t n, const std::function<void(std::size_t)>& work) {
  if (n <= 1) {
    if (n == 1) work(0);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr failure;
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        next = n;  // start nothing more
      }
    }
  };
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < std::min(n, TableOps::kParallelCalls); ++t) {
    helpers.emplace_back(worker);
  }
  worker();
  for (auto& h : helpers) h.join();
  if (failure) std::rethrow_exception(failure);
}

// The array at answer[field][table] (with `inner`: answer[field][table][inner]), moved out;
// empty when absent.
json::array arrayAt(json::object& answer, const char* field, const std::string& table,
                    const char* inner = nullptr) {
  auto* u = answer.if_contains(field);
  if (u == nullptr || !u->is_object()) return {};
  auto* t = u->get_object().if_contains(table);
  if (t != nullptr && inner != nullptr && t->is_object()) t = t->get_object().if_contains(inner);
  if (t == nullptr || !t->is_array()) return {};
  return std::move(t->get_array());
}

}  // namespace

std::string randomHex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < bytes; ++i) {
    auto b = static_cast<unsigned char>(randombytes_uniform(256));
    text += kHex[b >> 4];
    text += kHex[b & 15];
  }
  return text;
}

json::object S(std::string_view value) { return {{"S", value}}; }
json::object N(std::int64_t value) { return {{"N", std::to_string(value)}}; }
json::object B(bool value) { return {{"BOOL", value}}; }

std::optional<std::string> stringOf(const json::object& item, std::string_view name) {
  const json::string* s = typed(item, name, "S");
  if (s == nullptr) return std::nullopt;
  return std::string(*s);
}

std::optional<std::int64_t> numberOf(const json::object& item, std::string_view name) {
  const json::string* n = typed(item, name, "N");
  if (n == nullptr) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(n->data(), n->data() + n->size(), value);
  if (ec != std::errc()) return std::nullopt;
  // "12.5" (a number written by another tool) counts as 12.
  if (end != n->data() + n->size() && *end != '.') return std::nullopt;
  return value;
}

bool boolOf(const json::object& item, std::string_view name) {
  const json::object* a = attribute(item, name);
  if (a == nullptr) return false;
  const auto* v = a->if_contains("BOOL");
  return v != nullptr && v->is_bool() && v->get_bool();
}

json::object TableOps::call(std::string_view operation, const json::object& request) {
  return client_.call(operation, request);
}

void TableOps::forEach(std::string_view operation, json::object request,
                       const std::function<void(json::object&)>& visit) {
  for (;;) {
    json::object page = client_.call(operation, request);
    if (auto* items = page.if_contains("Items"); items != nullptr && items->is_array()) {
      for (auto& item : items->get_array()) {
        if (item.is_object()) visit(item.get_object());
      }
    }
    auto* last = page.if_contains("LastEvaluatedKey");
    if (last == nullptr || !last->is_object() || last->get_object().empty()) return;
    request["ExclusiveStartKey"] = std::move(*last);
  }
}

std::vector<json::object> TableOps::all(std::string_view operation, json::object request) {
  std::vector<json::object> items;
  forEach(operation, std::move(request),
          [&](json::object& item) { items.push_back(std::move(item)); });
  return items;
}

namespace {

// `entries` in arrays of at most `limit`.
std::vector<json::array> chunked(std::vector<json::object>& entries, std::size_t limit) {
  std::vector<json::array> chunks;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i % limit == 0) chunks.emplace_back();
    chunks.back().push_back(std::move(entries[i]));
  }
  return chunks;
}

}  // namespace

void TableOps::batchWrite(const std::string& table, std::vector<json::object> requests) {
  std::vector<json::array> chunks = chunked(requests, kBatchWriteLimit);
  runParallel(chunks.size(), [&](std::size_t i) {
    untilProcessed(
        std::move(chunks[i]), "UnprocessedItems", "writes to " + table, [&](json::array pending) {
          json::object answer =
              client_.call("BatchWriteItem", {{"RequestItems", json::object{{table, pending}}}});
          return arrayAt(answer, "UnprocessedItems", table);
        });
  });
}

std::vector<json::object> TableOps::batchGet(const std::string& table,
                                             std::vector<json::object> keys,
                                             const std::string& projection) {
  std::vector<json::array> chunks = chunked(keys, kBatchGetLimit);
  std::mutex mutex;
  std::vector<json::object> found;
  runParallel(chunks.size(), [&](std::size_t i) {
    untilProcessed(
        std::move(chunks[i]), "UnprocessedKeys", "reads from " + table, [&](json::array pending) {
          json::object spec{{"Keys", std::move(pending)}, {"ConsistentRead", true}};
          if (!projection.empty()) spec["ProjectionExpression"] = projection;
          json::object answer =
              client_.call("BatchGetItem", {{"RequestItems", json::object{{table, spec}}}});
          json::array items = arrayAt(answer, "Responses", table);
          {
            std::lock_guard lock(mutex);
            for (auto& item : items) {
              if (item.is_object()) found.push_back(std::move(item.get_object()));
            }
          }
          return arrayAt(answer, "UnprocessedKeys", table, "Keys");
        });
  });
  return found;
}

void TableOps::transact(json::array actions) {
  if (actions.empty()) return;
  // The same token on every retry of this call: a retry after a commit whose answer was lost
  // (500, timeout) is then acknowledged without being applied twice.
  client_.call("TransactWriteItems",
               {{"TransactItems", std::move(actions)}, {"ClientRequestToken", randomHex(16)}});
}

}  // namespace it::storage::dynamodb
