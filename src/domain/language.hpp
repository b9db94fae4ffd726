#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace it::domain {

// Languages, as BCP 47 primary subtags ("ja", "ko", "yue"): what manual logs, the user's
// default and synced items are in. Pure functions.

// A BCP 47 primary language subtag: two or three ASCII letters ("ja", "yue"), lower-cased and
// in its shortest form ("jpn" is "ja"), or nothing when `text` is not one.
std::optional<std::string> languageTag(std::string_view text);

// The language of a provider's item from the tag it gives ("ja", "en-US", TVDB's "jpn"): its
// primary subtag as languageTag gives it; nothing for none, an invalid one, or one that names
// no single language ("und" undetermined, "zxx" no linguistic content, "mul", "mis").
std::optional<std::string> contentLanguage(std::string_view tag);

// ISO 639-2 (three letters, as TVDB spells languages: "jpn", "kor") to ISO 639-1 ("ja", "ko")
// where there is one; a two-letter code passes through lower-cased; nothing for the rest.
std::optional<std::string> twoLetterLanguage(std::string_view code);

}  // namespace it::domain
