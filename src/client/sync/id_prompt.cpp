#include "client/sync/id_prompt.hpp"

#include <boost/json/value.hpp>
#include <charconv>
#include <istream>
#include <optional>
#include <ostream>

#include "client/sync/common.hpp"
#include "util/encoding.hpp"
#include "util/json.hpp"

namespace it::client::sync {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxSuggestions = 5;

// What to search for: the folder or file name without bracketed tags ("[123]",
// "(1080p)", "{x}"), a leading number, and with '_' and '.' as spaces.
std::string searchTerms(std::string_view name) {
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '[' || c == '(' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == ')' || c == '}') && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += (c == '_' || c == '.') ? ' ' : c;
    }
  }
  std::string terms = trim(out);
  auto first_space = terms.find(' ');
  if (first_space != std::string::npos && terms.find_first_not_of("0123456789") == first_space) {
    terms = trim(terms.substr(first_space));
  }
  std::string collapsed;
  for (char c : terms) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += c;
  }
  return collapsed.empty() ? std::string(name) : collapsed;
}

// A search result's label: its name, the localised title when it differs (TMDB), the year.
std::string matchLabel(const json::object& result, const std::string& name) {
  std::string label = name;
  if (auto title = stringAt(result, "title"); title && !title->empty() && *title != name) {
    label += " / " + *title;
  }
  if (auto year = stringAt(result, "year"); year && !year->empty()) label += " (" + *year + ")";
  return label;
}

// Up to five matches from the server's search; none when searching is not possible.
std::vector<IdMatch> suggestions(ApiClient& api, std::string_view name, const IdSource& source) {
  std::string terms = searchTerms(name);
  std::string path = source.search;
  if (path.back() != '?') path += '&';
  std::vector<IdMatch> matches;
  try {
    auto reply = api.call("GET", path + "query=" + percentEncode(terms) +
                                     "&limit=" + std::to_string(kMaxSuggestions));
    const json::value* results = reply.body.if_contains("results");
    if (results == nullptr || !results->is_array()) return matches;
    for (const json::value& r : results->get_array()) {
      if (!r.is_object() || matches.size() == kMaxSuggestions) continue;
      auto id = integerAt(r.get_object(), source.id_field);
      auto result_name = stringAt(r.get_object(), "name");
      if (!id || !result_name) continue;
      matches.push_back({*id, matchLabel(r.get_object(), *result_name)});
    }
  } catch (const ClientError&) {
    // No key on the server, an older server, the provider down: ask without suggestions.
  }
  return matches;
}

// A positive whole number as Python's int() reads one: an optional '+', and full-width digits
// (what a Japanese keyboard types) as well as ASCII ones.
std::optional<std::int64_t> positiveInteger(std::string_view answer) {
  std::string text;
  for (std::size_t i = 0; i < answer.size(); ++i) {
    // U+FF10..U+FF19 are EF BC 90..99 in UTF-8.
    if (answer.compare(i, 2, "\xEF\xBC") == 0 && i + 2 < answer.size() &&
        static_cast<unsigned char>(answer[i + 2]) >= 0x90 &&
        static_cast<unsigned char>(answer[i + 2]) <= 0x99) {
      text += static_cast<char>('0' + (static_cast<unsigned char>(answer[i + 2]) - 0x90));
      i += 2;
    } else {
      text += answer[i];
    }
  }
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

}  // namespace

const IdSource& movieSource(ApiClient& api) {
  try {
    auto reply = api.call("GET", "api/providers");
    if (stringAt(reply.body, "movie_database") == "tmdb") return kTmdbMovies;
  } catch (const ClientError&) {
    // An older server (no such endpoint): it looks movies up in TVDB. A server that cannot be
    // reached says so again when the movies are sent.
  }
  return kTvdbMovies;
}

std::vector<IdMatch> offerMatches(ApiClient& api, Console& console, std::string_view name,
                                  const IdSource& source, const std::string& what) {
  std::vector<IdMatch> matches = suggestions(api, name, source);
  if (matches.empty()) return matches;
  console.out << source.database << " matches for " << what << ":\n";
  for (std::size_t i = 0; i < matches.size(); ++i) {
    console.out << "  " << i + 1 << ") " << matches[i].label << ", id " << matches[i].id << "\n";
  }
  return matches;
}

std::int64_t askId(Console& console, const IdSource& source, const std::string& what,
                   const std::vector<IdMatch>& matches) {
  for (;;) {
    console.out << "Enter the " << source.database << " id for " << what << ":\n";
    console.out.flush();
    std::string line;
    if (!std::getline(console.in, line)) {
      throw ClientError("standard input ended before the " + std::string(source.database) +
                        " id of " + what +
                        " was given (use --non-interactive to skip the questions)");
    }
    if (auto n = positiveInteger(trim(line))) {
      if (*n >= 1 && static_cast<std::size_t>(*n) <= matches.size()) return matches[*n - 1].id;
      return *n;
    }
    console.out << "Please answer with a " << source.database << " id (a positive whole number)"
                << (matches.empty() ? "" : " or the number of a match") << ".\n";
  }
}

}  // namespace it::client::sync
