// api::parseJsonObject: the first step of decoding every JSON request body, and isFalsy.
//
// Invariants: the result is a non-empty object, or an invalid request (a 400) with one of the
// three documented messages, rendered in the service's error shape; which one agrees with an
// independent parse.

#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "api/json_body.hpp"
#include "fuzz_support.hpp"
#include "http/responses.hpp"

namespace json = boost::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body = it::fuzz::textOf(data, size);
  constexpr std::string_view kEmpty = "JSON data is required";
  auto parsed = it::api::parseJsonObject(body, kEmpty);

  // The same decision, taken here from Boost.JSON directly.
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  json::value reference = json::parse(body, ec, {}, opts);
  bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;

  if (parsed) {
    const json::object* object = &*parsed;
    FUZZ_CHECK(!blank && !ec);
    FUZZ_CHECK(!object->empty());
    // Compared as text: Boost.JSON 1.81 reads 0e400 as NaN, which equals nothing.
    FUZZ_CHECK(reference.is_object() && json::serialize(reference) == json::serialize(*object));
    FUZZ_CHECK(!it::api::isFalsy(json::value(*object)));
    return 0;
  }
  FUZZ_CHECK(parsed.failure.kind == it::FailureKind::kInvalidRequest);
  const auto response = it::http::failureResponse(parsed.failure);
  FUZZ_CHECK(response.status == 400);
  it::fuzz::checkErrorBody(response.body);
  auto error = it::fuzz::parseJson(response.body)->at("error").get_string();
  if (blank) {
    FUZZ_CHECK(error == kEmpty);
  } else if (ec) {
    FUZZ_CHECK(error == "Request body is not valid JSON");
  } else if (it::api::isFalsy(reference)) {
    FUZZ_CHECK(error == kEmpty);
  } else {
    FUZZ_CHECK(!reference.is_object());
    FUZZ_CHECK(error == "Request body must be a JSON object");
  }
  return 0;
}
