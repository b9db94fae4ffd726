#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace it {

// Lenient reading of JSON documents from elsewhere (provider answers, AWS answers, events,
// secrets): unknown members are ignored, and a member of the wrong type counts as missing, so
// an API that adds fields or sends a null does not break us. Pure functions, thread-safe.

// The JSON document in `body`, or nothing when it is not JSON.
std::optional<boost::json::value> parseJson(std::string_view body);
// A string member, or nothing.
std::optional<std::string> stringAt(const boost::json::object& o, std::string_view key);
// An integer member; whole numbers sent as doubles (1.0) are accepted.
std::optional<std::int64_t> integerAt(const boost::json::object& o, std::string_view key);
// An object member, or null.
const boost::json::object* objectAt(const boost::json::object& o, std::string_view key);

}  // namespace it
