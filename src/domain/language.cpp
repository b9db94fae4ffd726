#include "domain/language.hpp"

#include <algorithm>
#include <utility>

namespace it::domain {
namespace {

bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lowered(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// ISO 639-2 codes (bibliographic and terminological where they differ) of the languages with a
// two-letter ISO 639-1 code that providers are likely to name, sorted for a binary search.
constexpr std::pair<std::string_view, std::string_view> kThreeToTwo[] = {
    {"afr", "af"}, {"alb", "sq"}, {"amh", "am"}, {"ara", "ar"}, {"arm", "hy"}, {"aze", "az"},
    {"baq", "eu"}, {"bel", "be"}, {"ben", "bn"}, {"bos", "bs"}, {"bul", "bg"}, {"bur", "my"},
    {"cat", "ca"}, {"ces", "cs"}, {"chi", "zh"}, {"cym", "cy"}, {"cze", "cs"}, {"dan", "da"},
    {"deu", "de"}, {"dut", "nl"}, {"ell", "el"}, {"eng", "en"}, {"epo", "eo"}, {"est", "et"},
    {"eus", "eu"}, {"fas", "fa"}, {"fil", "tl"}, {"fin", "fi"}, {"fra", "fr"}, {"fre", "fr"},
    {"geo", "ka"}, {"ger", "de"}, {"gle", "ga"}, {"glg", "gl"}, {"gre", "el"}, {"guj", "gu"},
    {"hat", "ht"}, {"hau", "ha"}, {"heb", "he"}, {"hin", "hi"}, {"hrv", "hr"}, {"hun", "hu"},
    {"hye", "hy"}, {"ice", "is"}, {"ind", "id"}, {"isl", "is"}, {"ita", "it"}, {"jav", "jv"},
    {"jpn", "ja"}, {"kan", "kn"}, {"kat", "ka"}, {"kaz", "kk"}, {"khm", "km"}, {"kor", "ko"},
    {"kur", "ku"}, {"lao", "lo"}, {"lat", "la"}, {"lav", "lv"}, {"lit", "lt"}, {"mac", "mk"},
    {"mal", "ml"}, {"mar", "mr"}, {"may", "ms"}, {"mkd", "mk"}, {"mon", "mn"}, {"msa", "ms"},
    {"mya", "my"}, {"nep", "ne"}, {"nld", "nl"}, {"nob", "nb"}, {"nor", "no"}, {"pan", "pa"},
    {"per", "fa"}, {"pol", "pl"}, {"por", "pt"}, {"pus", "ps"}, {"ron", "ro"}, {"rum", "ro"},
    {"rus", "ru"}, {"sin", "si"}, {"slk", "sk"}, {"slo", "sk"}, {"slv", "sl"}, {"som", "so"},
    {"spa", "es"}, {"sqi", "sq"}, {"srp", "sr"}, {"swa", "sw"}, {"swe", "sv"}, {"tam", "ta"},
    {"tel", "te"}, {"tgl", "tl"}, {"tha", "th"}, {"tur", "tr"}, {"ukr", "uk"}, {"urd", "ur"},
    {"uzb", "uz"}, {"vie", "vi"}, {"wel", "cy"}, {"yid", "yi"}, {"yor", "yo"}, {"zho", "zh"},
    {"zul", "zu"},
};

std::optional<std::string_view> twoLetterOf(const std::string& three) {
  auto at =
      std::lower_bound(std::begin(kThreeToTwo), std::end(kThreeToTwo), three,
                       [](const auto& entry, const std::string& key) { return entry.first < key; });
  if (at == std::end(kThreeToTwo) || at->first != three) return std::nullopt;
  return at->second;
}

}  // namespace

std::optional<std::string> languageTag(std::string_view text) {
  if (text.size() < 2 || text.size() > 3 || !std::all_of(text.begin(), text.end(), isAsciiLetter)) {
    return std::nullopt;
  }
  std::string tag;
  for (char c : text) tag += lowered(c);
  // BCP 47 takes the shortest code: "jpn" is written "ja", so that both count as one language.
  if (auto two = twoLetterOf(tag)) return std::string(*two);
  return tag;
}

std::optional<std::string> contentLanguage(std::string_view tag) {
  auto primary = languageTag(tag.substr(0, tag.find_first_of("-_")));
  if (!primary) return std::nullopt;
  for (std::string_view none : {"und", "zxx", "mul", "mis"}) {
    if (*primary == none) return std::nullopt;
  }
  return primary;
}

std::optional<std::string> twoLetterLanguage(std::string_view code) {
  auto tag = languageTag(code);
  if (!tag || tag->size() != 2) return std::nullopt;
  return tag;
}

}  // namespace it::domain
