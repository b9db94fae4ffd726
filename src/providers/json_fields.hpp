#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace it::providers {

// Lenient reading of provider answers (reference/external-apis.md §0): unknown fields are
// ignored, and a member of the wrong type counts as missing.

// The JSON document in `body`, or nothing when it is not JSON.
std::optional<boost::json::value> parseJson(std::string_view body);
std::optional<std::string> stringAt(const boost::json::object& o, std::string_view key);
// An integer member; whole numbers sent as doubles (1.0) are accepted.
std::optional<std::int64_t> integerAt(const boost::json::object& o, std::string_view key);
const boost::json::object* objectAt(const boost::json::object& o, std::string_view key);

// Percent-encodes `text` for a URL path segment or query value.
std::string encode(std::string_view text);
// Standard base64 with padding (for Basic credentials).
std::string base64(std::string_view raw);
// A base URL without trailing slashes, so the APIs' paths can be appended.
std::string trimSlash(std::string url);

}  // namespace it::providers
