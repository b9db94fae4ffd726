// The DynamoDB attribute readers (storage/dynamodb/table_ops.hpp: stringOf, numberOf,
// boolOf), on every attribute of an item given as DynamoDB JSON ({"name": {"S": "..."}}).
//
// Invariants: stringOf gives the "S" string, boolOf the "BOOL" value; numberOf reads "N" as
// an optional '-', digits and an optional '.' tail, and nothing else (std::from_chars, not
// strtoll: no '+', no spaces, no hex).

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <charconv>
#include <string>

#include "fuzz_support.hpp"
#include "storage/dynamodb/table_ops.hpp"

namespace {

namespace json = boost::json;
using namespace it::storage::dynamodb;

// numberOf's rule, spelled out: [-]digits, then nothing or '.' and anything; in range.
std::optional<std::int64_t> referenceNumber(std::string_view n) {
  std::size_t pos = n.starts_with('-') ? 1 : 0;
  std::size_t digits = pos;
  while (pos < n.size() && n[pos] >= '0' && n[pos] <= '9') ++pos;
  if (pos == digits) return std::nullopt;
  if (pos < n.size() && n[pos] != '.') return std::nullopt;
  __int128 value = 0;
  for (std::size_t i = digits; i < pos; ++i) {
    value = value * 10 + (n[i] - '0');
    if (value > (static_cast<__int128>(1) << 64)) return std::nullopt;
  }
  if (digits == 1) value = -value;
  if (value > INT64_MAX || value < INT64_MIN) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  json::value v = json::parse(it::fuzz::textOf(data, size), ec);
  if (ec || !v.is_object()) return 0;
  const json::object& item = v.get_object();
  for (const auto& [key, attribute] : item) {
    std::string_view name = key;
    if (item.if_contains(name) != &attribute) continue;  // a repeated key: the first one counts
    auto s = stringOf(item, name);
    auto n = numberOf(item, name);
    bool b = boolOf(item, name);
    const json::object* a = attribute.if_object();
    const json::value* sv = a != nullptr ? a->if_contains("S") : nullptr;
    const json::value* nv = a != nullptr ? a->if_contains("N") : nullptr;
    const json::value* bv = a != nullptr ? a->if_contains("BOOL") : nullptr;
    FUZZ_CHECK(s.has_value() == (sv != nullptr && sv->is_string()));
    if (s) FUZZ_CHECK(*s == sv->get_string());
    if (nv != nullptr && nv->is_string()) {
      FUZZ_CHECK(n == referenceNumber(nv->get_string()));
    } else {
      FUZZ_CHECK(!n);
    }
    FUZZ_CHECK(b == (bv != nullptr && bv->is_bool() && bv->get_bool()));
  }
  return 0;
}
