#include "domain/logs.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace it::domain {
namespace {

constexpr std::array<std::string_view, kMediums> kMediumNames = {
    "anime", "tv",    "movie",        "youtube", "podcast", "audiobook", "listening",
    "book",  "manga", "visual_novel", "reading", "game",    "other"};

constexpr std::array<std::string_view, 5> kUnitNames = {"episodes", "pages", "characters",
                                                        "chapters", "volumes"};

template <std::size_t N>
std::string joined(const std::array<std::string_view, N>& names) {
  std::string out;
  for (auto name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

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

void add(LogTotalsDelta& delta, const ImmersionLog& log, int sign) {
  LogTally& tally = delta[{log.date, log.medium, log.language.value_or("")}];
  tally.minutes += sign * log.minutes;
  tally.logs += sign;
}

}  // namespace

std::string_view mediumName(Medium medium) {
  return kMediumNames[static_cast<std::size_t>(medium)];
}

std::optional<Medium> mediumNamed(std::string_view name) {
  auto at = std::find(kMediumNames.begin(), kMediumNames.end(), name);
  if (at == kMediumNames.end()) return std::nullopt;
  return static_cast<Medium>(at - kMediumNames.begin());
}

std::string mediumNames() { return joined(kMediumNames); }

Medium mediumOf(ItemKind kind) {
  switch (kind) {
    case ItemKind::kEpisode:
      return Medium::kTv;
    case ItemKind::kMovie:
      return Medium::kMovie;
    case ItemKind::kYoutubeVideo:
      return Medium::kYoutube;
    case ItemKind::kSpotifyEpisode:
      return Medium::kPodcast;
  }
  return Medium::kOther;
}

std::string_view unitName(AmountUnit unit) { return kUnitNames[static_cast<std::size_t>(unit)]; }

std::optional<AmountUnit> unitNamed(std::string_view name) {
  auto at = std::find(kUnitNames.begin(), kUnitNames.end(), name);
  if (at == kUnitNames.end()) return std::nullopt;
  return static_cast<AmountUnit>(at - kUnitNames.begin());
}

std::string unitNames() { return joined(kUnitNames); }

namespace {

// The two-letter code of a three-letter one (lower case), if it has one.
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

std::optional<std::string> twoLetterLanguage(std::string_view code) {
  auto tag = languageTag(code);
  if (!tag || tag->size() != 2) return std::nullopt;
  return tag;
}

std::string newLogId(std::int64_t created_at_micros, std::uint32_t random_bits) {
  char text[25];
  std::snprintf(text, sizeof text, "%016llx%08x",
                static_cast<unsigned long long>(created_at_micros),
                static_cast<unsigned>(random_bits));
  return text;
}

bool isLogId(std::string_view text) {
  return text.size() == 24 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

ImmersionLog withChange(ImmersionLog log, const LogChange& change) {
  if (change.medium) log.medium = *change.medium;
  if (change.minutes) log.minutes = *change.minutes;
  if (change.title) log.title = *change.title;
  if (change.amount) log.amount = *change.amount;
  if (change.unit) log.unit = *change.unit;
  if (change.language) log.language = *change.language;
  if (change.date) log.date = *change.date;
  if (change.note) log.note = *change.note;
  return log;
}

std::optional<std::string> logInconsistency(const ImmersionLog& log) {
  if (log.amount && !log.unit) return "unit must be given with amount (" + unitNames() + ")";
  if (log.unit && !log.amount) return "amount must be given with unit";
  return std::nullopt;
}

LogTotals logTotalsOfRows(const std::vector<LogDayTotal>& rows, LocalDay from, LocalDay to) {
  LogTotals totals;
  std::map<std::pair<Medium, std::optional<std::string>>, LogShareTotal> shares;
  std::map<LocalDay, LogDateTotal> dates;
  for (const LogDayTotal& row : rows) {
    if (row.day >= from && row.day <= to) totals.days.push_back(row);
    LogShareTotal& share = shares[{row.medium, row.language}];
    share.medium = row.medium;
    share.language = row.language;
    share.minutes += row.minutes;
    share.logs += row.logs;
    LogDateTotal& date = dates[row.day];
    date.day = row.day;
    date.minutes += row.minutes;
    date.logs += row.logs;
  }
  for (auto& [key, share] : shares) totals.shares.push_back(std::move(share));
  for (auto& [day, date] : dates) totals.dates.push_back(date);
  return totals;
}

LogTotalsDelta logTotals(const ImmersionLog& log, int sign) {
  LogTotalsDelta delta;
  add(delta, log, sign);
  return delta;
}

LogTotalsDelta logTotalsChange(const ImmersionLog& before, const ImmersionLog& after) {
  LogTotalsDelta delta;
  add(delta, before, -1);
  add(delta, after, +1);
  std::erase_if(delta, [](const auto& entry) { return entry.second == LogTally{}; });
  return delta;
}

}  // namespace it::domain
