#include "api/json_body.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace it::api {
namespace {

bool isBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

boost::json::value jsonOrNull(const std::optional<std::string>& s) {
  return s ? boost::json::value(*s) : boost::json::value(nullptr);
}

boost::json::value jsonOrNull(const std::optional<std::int64_t>& n) {
  return n ? boost::json::value(*n) : boost::json::value(nullptr);
}

bool isFalsy(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return true;
    case boost::json::kind::bool_:
      return !v.get_bool();
    case boost::json::kind::int64:
      return v.get_int64() == 0;
    case boost::json::kind::uint64:
      return v.get_uint64() == 0;
    case boost::json::kind::double_:
      return v.get_double() == 0;
    case boost::json::kind::string:
      return v.get_string().empty();
    case boost::json::kind::array:
      return v.get_array().empty();
    case boost::json::kind::object:
      return v.get_object().empty();
  }
  return false;
}

Result<boost::json::object> parseJsonObject(std::string_view body, std::string_view empty_message) {
  if (isBlank(body)) return invalidRequest(std::string(empty_message));
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 32;  // deeper nesting is never a valid request
  boost::json::value v = boost::json::parse(body, ec, {}, opts);
  if (ec) return invalidRequest("Request body is not valid JSON");
  if (isFalsy(v)) return invalidRequest(std::string(empty_message));
  if (!v.is_object()) return invalidRequest("Request body must be a JSON object");
  return Result<boost::json::object>::success(std::move(v.get_object()));
}

}  // namespace it::api
