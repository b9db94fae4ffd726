#include "util/json.hpp"

#include <boost/json/parse.hpp>

namespace it {

namespace json = boost::json;

std::optional<json::value> parseJson(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return std::nullopt;
  return v;
}

std::optional<std::string> stringAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<std::int64_t> integerAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double() && v->get_double() >= 0 && v->get_double() < 1e15) {
    return static_cast<std::int64_t>(v->get_double());
  }
  return std::nullopt;
}

const json::object* objectAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

}  // namespace it
