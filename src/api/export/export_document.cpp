#include "api/export/export_document.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <map>

#include "api/account/requests.hpp"
#include "api/json_body.hpp"
#include "api/logs/handlers.hpp"
#include "domain/logs.hpp"
#include "domain/totals.hpp"
#include "util/time_format.hpp"

namespace it::api::exports {
namespace {

namespace json = boost::json;
using domain::ItemKind;

std::string_view itemKindName(ItemKind kind) {
  switch (kind) {
    case ItemKind::kEpisode:
      return "episode";
    case ItemKind::kMovie:
      return "movie";
    case ItemKind::kYoutubeVideo:
      return "youtube_video";
    case ItemKind::kSpotifyEpisode:
      return "spotify_episode";
  }
  return "episode";
}

json::value text(const std::optional<std::string>& s) { return jsonOrNull(s); }

json::object itemJson(const storage::WatchedItem& item, const domain::DayRule& days) {
  json::object o{{"kind", itemKindName(item.kind)},
                 {"timestamp", item.timestamp},
                 {"date", domain::formatIsoDate(domain::localDayOf(item.timestamp, days))}};
  switch (item.kind) {
    case ItemKind::kEpisode:
      o["folder_name"] = item.folder_name;
      o["file_name"] = item.file_name;
      break;
    case ItemKind::kMovie:
      o["file_name"] = item.file_name;
      o["database"] = item.movie.database == domain::MovieDatabase::kTmdb ? "tmdb" : "tvdb";
      o["id"] = item.movie.id;
      o["name"] = item.movie.name;
      o["image"] = text(item.movie.image);
      o["runtime_seconds"] = item.movie.runtime_seconds;
      o["language"] = text(item.movie.language);
      break;
    case ItemKind::kYoutubeVideo:
    case ItemKind::kSpotifyEpisode:
      o["id"] = item.id;
      o["title"] = item.title;
      o[item.kind == ItemKind::kYoutubeVideo ? "channel_id" : "show_id"] = item.group;
      o["duration_seconds"] = item.seconds;
      o["language"] = text(item.language);
      break;
  }
  return o;
}

// Whole minutes and hundredths, as a spreadsheet reads them ("4.70").
std::string decimalMinutes(std::int64_t seconds) {
  const std::int64_t hundredths = seconds * 100 / 60;
  char out[32];
  std::snprintf(out, sizeof out, "%lld.%02lld", static_cast<long long>(hundredths / 100),
                static_cast<long long>(hundredths % 100));
  return out;
}

std::string csvRow(std::initializer_list<std::string_view> fields) {
  std::string row;
  for (std::string_view field : fields) {
    if (!row.empty()) row += ',';
    row += csvField(field);
  }
  row += "\r\n";
  return row;
}

}  // namespace

std::string csvField(std::string_view field) {
  std::string out;
  if (!field.empty() &&
      std::string_view("=+-@\t\r").find(field.front()) != std::string_view::npos) {
    out += '\'';
  }
  out += field;
  if (out.find_first_of(",\"\r\n") == std::string::npos) return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

struct ExportDocument::State {
  enum class Phase { kHead, kItems, kLogs, kDone };
  Phase phase = Phase::kHead;
  service::UserCalendar user;
  // How items count, for the CSV: each show folder's runtime and language, the user's choices.
  std::map<std::string, storage::ShowRecord> shows;
  std::map<std::pair<ItemKind, std::string>, std::string> choices;
  std::optional<std::string> item_cursor;
  std::optional<std::string> last_log;
  bool first = true;  // of the items or the logs: no comma before it
};

ExportDocument::ExportDocument(storage::Store& store, const service::Calendars& calendars,
                               const Clock& clock, std::string username, ExportFormat format,
                               ExportScope scope)
    : store_(store),
      calendars_(calendars),
      clock_(clock),
      username_(std::move(username)),
      format_(format),
      scope_(scope),
      state_(std::make_unique<State>()) {}

ExportDocument::~ExportDocument() = default;

std::optional<std::string> ExportDocument::next() {
  switch (state_->phase) {
    case State::Phase::kHead:
      state_->phase = State::Phase::kItems;
      return head();
    case State::Phase::kItems:
      return itemPage();
    case State::Phase::kLogs:
      return logPage();
    case State::Phase::kDone:
      break;
  }
  return std::nullopt;
}

std::string ExportDocument::head() {
  State& s = *state_;
  s.user = calendars_.withSettings(username_);
  for (auto& show : store_.listShows(username_)) s.shows.emplace(show.folder_name, show);
  std::vector<storage::LanguageChoice> choices = store_.languageChoices(username_);
  for (const auto& c : choices) s.choices[{c.kind, c.group}] = c.language;
  if (format_ == ExportFormat::kCsv) {
    return csvRow({"date", "kind", "medium", "title", "minutes", "amount", "unit", "language"});
  }
  const storage::UserSettings& settings = s.user.settings;
  json::object user{{"username", username_},
                    {"time_zone", text(settings.time_zone)},
                    {"language", text(settings.language)},
                    {"daily_goal_minutes", settings.daily_goal_minutes},
                    {"day_start_hour", settings.day_start_hour}};
  json::array tv_progress;
  for (const auto& p : store_.listTvProgress(username_)) {
    tv_progress.push_back(json::object{{"tv_show", p.tv_show},
                                       {"season", p.season},
                                       {"episode", p.episode},
                                       {"last_updated", p.last_updated}});
  }
  json::array shows;
  for (const auto& [folder, show] : s.shows) {
    shows.push_back(
        json::object{{"folder_name", folder},
                     {"tvdb_id", jsonOrNull(show.tvdb_id)},
                     {"tvdb_name", text(show.tvdb_name)},
                     {"tvdb_image", text(show.tvdb_image)},
                     {"tvdb_average_runtime_seconds", jsonOrNull(show.tvdb_average_runtime)},
                     {"tvdb_language", text(show.tvdb_language)}});
  }
  json::array channels;
  json::array podcasts;
  for (const auto& g : store_.listGroups(username_)) {
    (g.kind == ItemKind::kYoutubeVideo ? channels : podcasts)
        .push_back(json::object{
            {"id", g.info.id}, {"title", g.info.name}, {"artwork_url", text(g.info.artwork_url)}});
  }
  json::array language_choices;
  for (const auto& c : choices) {
    language_choices.push_back(json::object{
        {"kind", account::groupKindName(c.kind)}, {"id", c.group}, {"language", c.language}});
  }
  // The document up to its items, which follow page by page: the object is closed by hand.
  json::object doc{{"format", kExportFormat},
                   {"version", kExportVersion},
                   {"exported_at", formatUtcMicros(clock_.now())},
                   {"user", std::move(user)}};
  if (scope_ == ExportScope::kDataAndAccount) addAccount(doc);
  doc["tv_progress"] = std::move(tv_progress);
  doc["shows"] = std::move(shows);
  doc["channels"] = std::move(channels);
  doc["podcasts"] = std::move(podcasts);
  doc["language_choices"] = std::move(language_choices);
  std::string out = json::serialize(doc);
  out.pop_back();  // '}'
  out += ",\"items\":[";
  return out;
}

void ExportDocument::addAccount(json::object& doc) {
  std::optional<storage::UserRecord> account = store_.findUser(username_);
  if (!account)
    throw storage::StoreError("user \"" + username_ + "\" was removed during the export");
  doc["account"] = json::object{{"password_hash", account->password_hash},
                                {"admin", account->admin},
                                {"created_at", account->created_at}};
  json::array tokens;
  for (const auto& t : store_.listStoredTokens(username_)) {
    tokens.push_back(json::object{{"id", t.info.id},
                                  {"label", t.info.label},
                                  {"created_at", t.info.created_at},
                                  {"hash", t.hash}});
  }
  doc["tokens"] = std::move(tokens);
}

std::string ExportDocument::itemPage() {
  State& s = *state_;
  const domain::DayRule days = s.user.calendar.days();
  storage::WatchedPage page = store_.listWatched(username_, s.item_cursor, kExportPageSize);
  std::string out;
  for (const auto& item : page.items) {
    if (format_ == ExportFormat::kJson) {
      if (!s.first) out += ',';
      s.first = false;
      out += json::serialize(itemJson(item, days));
      continue;
    }
    // How it counts: as /progress counts it.
    std::string group = item.kind == ItemKind::kEpisode ? item.folder_name : item.group;
    auto choice = s.choices.find({item.kind, group});
    std::optional<std::string> chosen;
    if (choice != s.choices.end()) chosen = choice->second;
    std::int64_t seconds = item.seconds;
    std::optional<std::string> provided = item.language;
    std::string title = item.title;
    if (item.kind == ItemKind::kEpisode) {
      auto show = s.shows.find(item.folder_name);
      const storage::ShowRecord* record = show == s.shows.end() ? nullptr : &show->second;
      seconds = domain::episodeSeconds(record ? record->tvdb_average_runtime : std::nullopt);
      provided = record ? record->tvdb_language : std::nullopt;
      title = (record && record->tvdb_name ? *record->tvdb_name : item.folder_name) + " / " +
              item.file_name;
    } else if (item.kind == ItemKind::kMovie) {
      seconds = item.movie.runtime_seconds;
      provided = item.movie.language;
      title = item.movie.name.empty() ? item.file_name : item.movie.name;
    }
    out += csvRow({domain::formatIsoDate(domain::localDayOf(item.timestamp, days)),
                   itemKindName(item.kind), domain::mediumName(domain::mediumOf(item.kind)), title,
                   decimalMinutes(seconds), "", "", domain::countedLanguage(chosen, provided)});
  }
  s.item_cursor = page.next_cursor;
  if (!page.next_cursor) {
    s.phase = State::Phase::kLogs;
    s.first = true;
    if (format_ == ExportFormat::kJson) out += "],\"logs\":[";
  }
  return out;
}

std::string ExportDocument::logPage() {
  State& s = *state_;
  storage::LogQuery query;
  query.order = storage::LogQuery::Order::kCreated;
  query.limit = kExportPageSize;
  query.after_id = s.last_log;
  storage::LogPage page = store_.listLogs(username_, query);
  std::string out;
  for (const auto& log : page.logs) {
    if (format_ == ExportFormat::kJson) {
      if (!s.first) out += ',';
      s.first = false;
      out += json::serialize(logs::logJson(log));
      continue;
    }
    out += csvRow({domain::formatIsoDate(log.date), "log", domain::mediumName(log.medium),
                   log.title.value_or(""), decimalMinutes(log.minutes * 60),
                   log.amount ? std::to_string(*log.amount) : "",
                   log.unit ? domain::unitName(*log.unit) : "", log.language.value_or("")});
  }
  if (!page.logs.empty()) s.last_log = page.logs.back().id;
  if (!page.more) {
    s.phase = State::Phase::kDone;
    if (format_ == ExportFormat::kJson) out += "]}\n";
  }
  return out;
}

}  // namespace it::api::exports
