#include "api/import/importer.hpp"

#include <boost/json/serialize.hpp>
#include <future>
#include <map>
#include <memory>
#include <vector>

#include "api/account/requests.hpp"
#include "api/export/export_document.hpp"
#include "api/import/export_reader.hpp"
#include "api/logs/requests.hpp"
#include "domain/language.hpp"
#include "domain/logs.hpp"
#include "domain/names.hpp"
#include "domain/time_zone.hpp"

namespace it::api::imports {
namespace {

namespace json = boost::json;
using domain::ItemKind;

// Items written per page of the second read.
constexpr std::size_t kItemsPerWrite = 500;
// The latest timestamp believed: the end of the year 9999.
constexpr std::int64_t kMaxTimestamp = 253402300799;
constexpr std::size_t kMaxUrlBytes = 2048;

// One record's members, read with the record's name in every complaint.
class Fields {
 public:
  Fields(const json::object& o, Section section, std::size_t index)
      : o_(o), section_(section), index_(index) {}

  Failure bad(const std::string& why) const {
    return Failure{FailureKind::kInvalidRequest, recordName(section_, index_) + ": " + why};
  }

  // Refuses members not in `known`.
  Result<void> only(std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : o_) {
      if (std::find(known.begin(), known.end(), std::string_view(key)) == known.end()) {
        std::string shown = key.size() <= 64 && domain::isValidUtf8(key) ? std::string(key) : "...";
        return bad("unknown member \"" + shown + "\"");
      }
    }
    return Result<void>::success();
  }

  const json::value* at(std::string_view key) const { return o_.if_contains(key); }

  // A string of 1 (0 when `may_be_empty`) to `max_bytes` bytes of UTF-8.
  Result<std::string> text(std::string_view key, std::size_t max_bytes,
                           bool may_be_empty = false) const {
    const json::value* v = at(key);
    if (v == nullptr || !v->is_string() || (v->get_string().empty() && !may_be_empty) ||
        v->get_string().size() > max_bytes || !domain::isValidUtf8(v->get_string())) {
      return bad(std::string(key) + " must be " + (may_be_empty ? "" : "a non-empty ") +
                 "text of at most " + std::to_string(max_bytes) + " bytes");
    }
    return Result<std::string>::success(std::string(v->get_string()));
  }
  // The same, or null (or absent) for nothing.
  Result<std::optional<std::string>> optionalText(std::string_view key,
                                                  std::size_t max_bytes) const {
    const json::value* v = at(key);
    if (v == nullptr || v->is_null()) return Result<std::optional<std::string>>::success({});
    auto t = text(key, max_bytes, true);
    if (!t) return t.failure;
    return Result<std::optional<std::string>>::success(std::move(*t));
  }
  Result<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const {
    const json::value* v = at(key);
    std::optional<std::int64_t> n;
    if (v != nullptr && v->is_int64()) n = v->get_int64();
    if (v != nullptr && v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(max)) {
      n = static_cast<std::int64_t>(v->get_uint64());
    }
    if (!n || *n < min || *n > max) {
      return bad(std::string(key) + " must be a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max));
    }
    return Result<std::int64_t>::success(*n);
  }
  Result<std::optional<std::int64_t>> optionalInteger(std::string_view key, std::int64_t min,
                                                      std::int64_t max) const {
    const json::value* v = at(key);
    if (v == nullptr || v->is_null()) return Result<std::optional<std::int64_t>>::success({});
    auto n = integer(key, min, max);
    if (!n) return n.failure;
    return Result<std::optional<std::int64_t>>::success(*n);
  }
  // A language tag, or null (or absent) for unknown.
  Result<std::optional<std::string>> language(std::string_view key) const {
    const json::value* v = at(key);
    if (v == nullptr || v->is_null()) return Result<std::optional<std::string>>::success({});
    auto tag = v->is_string() ? domain::languageTag(v->get_string()) : std::nullopt;
    if (!tag) return bad(std::string(key) + " must be a language tag such as \"ja\", or null");
    return Result<std::optional<std::string>>::success(std::move(tag));
  }

 private:
  const json::object& o_;
  Section section_;
  std::size_t index_;
};

// Evaluates `expr` (a Result); on failure returns it from the enclosing function, else binds
// its value to `name`.
#define IT_TRY(name, expr)                          \
  auto name##_result = (expr);                      \
  if (!name##_result) return name##_result.failure; \
  auto name = std::move(*name##_result)

// "2025-01-14T13:17:05.147389" (as the API writes times) as epoch microseconds.
std::optional<std::int64_t> parseUtcMicros(std::string_view text) {
  if (text.size() != 26 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != '.') {
    return std::nullopt;
  }
  auto day = domain::parseIsoDate(text.substr(0, 10));
  if (!day) return std::nullopt;
  auto digits = [&](std::size_t at, std::size_t n,
                    std::int64_t max) -> std::optional<std::int64_t> {
    std::int64_t v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    if (v > max) return std::nullopt;
    return v;
  };
  auto h = digits(11, 2, 23);
  auto m = digits(14, 2, 59);
  auto s = digits(17, 2, 59);
  auto us = digits(20, 6, 999999);
  if (!h || !m || !s || !us) return std::nullopt;
  return ((static_cast<std::int64_t>(*day) * 24 + *h) * 60 + *m) * 60'000'000 + *s * 1'000'000 +
         *us;
}

Result<void> checkHeader(const Fields& f) {
  const json::value* format = f.at("format");
  if (format == nullptr || !format->is_string() || format->get_string() != exports::kExportFormat) {
    return f.bad("format must be \"" + std::string(exports::kExportFormat) +
                 "\": this is not an immersion-tracker export");
  }
  const json::value* version = f.at("version");
  if (version == nullptr || !version->is_int64() ||
      version->get_int64() != exports::kExportVersion) {
    return f.bad("version must be " + std::to_string(exports::kExportVersion) +
                 ", the one this server reads");
  }
  return Result<void>::success();
}

Result<storage::SettingsChange> decodeUser(const Fields& f) {
  if (auto unknown =
          f.only({"username", "time_zone", "language", "daily_goal_minutes", "day_start_hour"});
      !unknown) {
    return *unknown.failure;
  }
  storage::SettingsChange change;
  IT_TRY(zone, f.optionalText("time_zone", 64));
  if (zone && domain::findTimeZone(*zone) == nullptr) {
    return f.bad("time_zone must be a tz database name such as Asia/Tokyo, or null");
  }
  change.time_zone = zone;
  IT_TRY(language, f.language("language"));
  change.language = language;
  IT_TRY(goal, f.integer("daily_goal_minutes", 0, domain::kMaxLogMinutes));
  change.daily_goal_minutes = goal;
  IT_TRY(hour, f.integer("day_start_hour", 0, 23));
  change.day_start_hour = static_cast<int>(hour);
  return Result<storage::SettingsChange>::success(std::move(change));
}

// The account of an export of every user, for `username`.
Result<storage::UserRecord> decodeAccount(const Fields& f, const std::string& username) {
  if (auto unknown = f.only({"password_hash", "admin", "created_at"}); !unknown) {
    return *unknown.failure;
  }
  // libsodium's crypto_pwhash_str output, which is what the stores keep.
  IT_TRY(hash, f.text("password_hash", 128));
  if (hash.rfind("$argon2id$", 0) != 0 && hash.rfind("$argon2i$", 0) != 0) {
    return f.bad("password_hash must be an Argon2 hash ($argon2id$...)");
  }
  const json::value* admin = f.at("admin");
  if (admin == nullptr || !admin->is_bool()) return f.bad("admin must be true or false");
  IT_TRY(created, f.text("created_at", 64));
  return Result<storage::UserRecord>::success(
      {username, std::move(hash), admin->get_bool(), std::move(created)});
}

Result<storage::StoredToken> decodeToken(const Fields& f, const std::string& username) {
  if (auto unknown = f.only({"id", "label", "created_at", "hash"}); !unknown) {
    return *unknown.failure;
  }
  IT_TRY(id, f.text("id", 64));
  IT_TRY(label, f.text("label", 1024, true));
  IT_TRY(created, f.text("created_at", 64));
  IT_TRY(hash, f.text("hash", 64));
  if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return f.bad("hash must be a token's SHA-256, 64 hexadecimal digits");
  }
  return Result<storage::StoredToken>::success(
      {{std::move(id), username, std::move(label), std::move(created)}, std::move(hash)});
}

Result<storage::TvProgress> decodeTvProgress(const Fields& f, const std::string& username) {
  if (auto unknown = f.only({"tv_show", "season", "episode", "last_updated"}); !unknown) {
    return *unknown.failure;
  }
  IT_TRY(show, f.text("tv_show", domain::kMaxShowNameBytes));
  if (!domain::isValidShowName(show)) return f.bad("tv_show must be a show's name");
  IT_TRY(season, f.integer("season", 1, 2147483647));
  IT_TRY(episode, f.integer("episode", 1, 2147483647));
  IT_TRY(updated, f.text("last_updated", 26));
  if (!parseUtcMicros(updated)) {
    return f.bad("last_updated must be a time written 2025-01-15T10:30:00.123456");
  }
  return Result<storage::TvProgress>::success({username, show, season, episode, updated});
}

// A show folder and, when it is tagged, its series.
struct ImportedShow {
  std::string folder_name;
  std::optional<domain::TvdbSeries> series;
};

Result<ImportedShow> decodeShow(const Fields& f) {
  if (auto unknown = f.only({"folder_name", "tvdb_id", "tvdb_name", "tvdb_image",
                             "tvdb_average_runtime_seconds", "tvdb_language"});
      !unknown) {
    return *unknown.failure;
  }
  ImportedShow show;
  IT_TRY(folder, f.text("folder_name", domain::kMaxItemNameBytes));
  if (!domain::isValidItemName(folder)) return f.bad("folder_name must be a folder's name");
  show.folder_name = std::move(folder);
  IT_TRY(id, f.optionalInteger("tvdb_id", 1, std::numeric_limits<std::int64_t>::max()));
  IT_TRY(name, f.optionalText("tvdb_name", domain::kMaxItemNameBytes));
  IT_TRY(image, f.optionalText("tvdb_image", kMaxUrlBytes));
  IT_TRY(runtime, f.optionalInteger("tvdb_average_runtime_seconds", 0, domain::kMaxMediaSeconds));
  IT_TRY(language, f.language("tvdb_language"));
  if (id) {
    show.series = domain::TvdbSeries{*id, name.value_or(""), image, runtime, language};
  }
  return Result<ImportedShow>::success(std::move(show));
}

Result<domain::GroupInfo> decodeGroup(const Fields& f) {
  if (auto unknown = f.only({"id", "title", "artwork_url"}); !unknown) return *unknown.failure;
  IT_TRY(id, f.text("id", 256));
  IT_TRY(title, f.text("title", domain::kMaxItemNameBytes, true));
  IT_TRY(artwork, f.optionalText("artwork_url", kMaxUrlBytes));
  return Result<domain::GroupInfo>::success({id, title, artwork});
}

Result<storage::LanguageChoice> decodeChoice(const Fields& f, const json::object& record) {
  auto choice = account::parseLanguageChoice(json::serialize(record));
  if (!choice) return f.bad(choice.failure.message);
  if (!choice->language) return f.bad("language must be a language tag such as \"ja\"");
  return Result<storage::LanguageChoice>::success(
      {choice->kind, std::move(choice->group), std::move(*choice->language)});
}

Result<storage::WatchedItem> decodeItem(const Fields& f) {
  storage::WatchedItem item;
  const json::value* kind = f.at("kind");
  std::string_view name;
  if (kind != nullptr && kind->is_string()) name = kind->get_string();
  IT_TRY(timestamp, f.integer("timestamp", 0, kMaxTimestamp));
  item.timestamp = timestamp;
  if (name == "episode") {
    item.kind = ItemKind::kEpisode;
    if (auto unknown = f.only({"kind", "timestamp", "date", "folder_name", "file_name"});
        !unknown) {
      return *unknown.failure;
    }
    IT_TRY(folder, f.text("folder_name", domain::kMaxItemNameBytes));
    IT_TRY(file, f.text("file_name", domain::kMaxItemNameBytes));
    if (!domain::isValidItemName(folder) || !domain::isValidItemName(file)) {
      return f.bad("folder_name and file_name must be a folder's and a file's names");
    }
    item.folder_name = std::move(folder);
    item.file_name = std::move(file);
  } else if (name == "movie") {
    item.kind = ItemKind::kMovie;
    if (auto unknown = f.only({"kind", "timestamp", "date", "file_name", "database", "id", "name",
                               "image", "runtime_seconds", "language"});
        !unknown) {
      return *unknown.failure;
    }
    IT_TRY(file, f.text("file_name", domain::kMaxItemNameBytes));
    if (!domain::isValidItemName(file)) return f.bad("file_name must be a file's name");
    item.file_name = std::move(file);
    const json::value* database = f.at("database");
    if (database == nullptr || !database->is_string() ||
        (database->get_string() != "tmdb" && database->get_string() != "tvdb")) {
      return f.bad("database must be \"tmdb\" or \"tvdb\"");
    }
    item.movie.database = database->get_string() == "tmdb" ? domain::MovieDatabase::kTmdb
                                                           : domain::MovieDatabase::kTvdb;
    IT_TRY(id, f.integer("id", 1, std::numeric_limits<std::int64_t>::max()));
    IT_TRY(movie_name, f.text("name", domain::kMaxItemNameBytes, true));
    IT_TRY(image, f.optionalText("image", kMaxUrlBytes));
    IT_TRY(runtime, f.integer("runtime_seconds", 0, domain::kMaxMediaSeconds));
    IT_TRY(language, f.language("language"));
    item.movie.id = id;
    item.movie.name = std::move(movie_name);
    item.movie.image = std::move(image);
    item.movie.runtime_seconds = runtime;
    item.movie.language = std::move(language);
  } else if (name == "youtube_video" || name == "spotify_episode") {
    const bool youtube = name == "youtube_video";
    item.kind = youtube ? ItemKind::kYoutubeVideo : ItemKind::kSpotifyEpisode;
    const char* group = youtube ? "channel_id" : "show_id";
    if (auto unknown = f.only(
            {"kind", "timestamp", "date", "id", "title", group, "duration_seconds", "language"});
        !unknown) {
      return *unknown.failure;
    }
    IT_TRY(id, f.text("id", 64));
    if (youtube ? !domain::isValidYoutubeVideoId(id) : !domain::isValidSpotifyId(id)) {
      return f.bad(youtube ? "id must be a YouTube video id (11 characters)"
                           : "id must be a Spotify episode id (22 characters)");
    }
    IT_TRY(title, f.text("title", domain::kMaxItemNameBytes, true));
    IT_TRY(group_id, f.text(group, 256));
    IT_TRY(seconds, f.integer("duration_seconds", 0, domain::kMaxMediaSeconds));
    IT_TRY(language, f.language("language"));
    item.id = std::move(id);
    item.title = std::move(title);
    item.group = std::move(group_id);
    item.seconds = seconds;
    item.language = std::move(language);
  } else {
    return f.bad("kind must be episode, movie, youtube_video or spotify_episode");
  }
  return Result<storage::WatchedItem>::success(std::move(item));
}

Result<domain::ImmersionLog> decodeLog(const Fields& f, const json::object& record) {
  const json::value* id = f.at("id");
  if (id == nullptr || !id->is_string() || !domain::isLogId(id->get_string())) {
    return f.bad("id must be a log's id (24 hexadecimal digits)");
  }
  IT_TRY(created, f.text("created_at", 26));
  auto created_at = parseUtcMicros(created);
  if (!created_at) return f.bad("created_at must be a time written 2025-01-15T10:30:00.123456");
  json::object fields = record;
  fields.erase("id");
  fields.erase("created_at");
  auto change = logs::decodeLogFields(fields);
  if (!change) return f.bad(change.failure.message);
  if (!change->medium || !change->minutes || !change->date) {
    return f.bad("a log needs its medium, minutes and date");
  }
  domain::ImmersionLog log;
  log.id = std::string(id->get_string());
  log.created_at = *created_at;
  log = domain::withChange(log, *change);
  if (log.amount && !log.unit) return f.bad("an amount needs its unit");
  log.revision = 1;
  return Result<domain::ImmersionLog>::success(std::move(log));
}

// Waits for asynchronous store writes, each reporting a count; their sum.
class Writes {
 public:
  storage::CountDone next() {
    auto promise = std::make_shared<std::promise<Result<std::int64_t>>>();
    pending_.push_back(promise->get_future());
    return [promise](Result<std::int64_t> r) { promise->set_value(std::move(r)); };
  }
  storage::WriteDone nextWrite() {
    auto done = next();
    return [done](Result<void> r) {
      done(r ? Result<std::int64_t>::success(1) : Result<std::int64_t>::fail(*r.failure));
    };
  }
  // Throws the first failure (a store's) after all have completed.
  std::int64_t wait() {
    std::int64_t sum = 0;
    std::optional<Failure> failed;
    for (auto& f : pending_) {
      Result<std::int64_t> r = f.get();
      if (r) {
        sum += *r;
      } else if (!failed) {
        failed = r.failure;
      }
    }
    pending_.clear();
    if (failed) throw FailureError(*failed);
    return sum;
  }

 private:
  std::vector<std::future<Result<std::int64_t>>> pending_;
};

// The second read: writes what the first one checked.
class Writer {
 public:
  Writer(storage::Store& store, const service::Calendars& calendars, std::string username,
         std::map<std::string, domain::GroupInfo> channels,
         std::map<std::string, domain::GroupInfo> podcasts)
      : store_(store),
        calendars_(calendars),
        username_(std::move(username)),
        channels_(std::move(channels)),
        podcasts_(std::move(podcasts)) {}

  Result<void> visit(Section section, std::size_t index, const json::object& record) {
    const Fields f(record, section, index);
    switch (section) {
      case Section::kHeader:
        break;
      case Section::kUser: {
        auto change = decodeUser(f);
        store_.changeUserSettings(username_, *change);
        break;
      }
      case Section::kTvProgress:
        tv_progress_.push_back(*decodeTvProgress(f, username_));
        break;
      case Section::kShows:
        if (auto show = *decodeShow(f); show.series) shows_.push_back(std::move(show));
        break;
      case Section::kChannels:
      case Section::kPodcasts:
        break;  // read before, with the first read
      case Section::kAccount:
      case Section::kTokens:
        break;  // written before the data, by importEveryUser
      case Section::kLanguageChoices:
        choices_.push_back(*decodeChoice(f, record));
        break;
      case Section::kItems:
        items_.push_back(*decodeItem(f));
        if (items_.size() == kItemsPerWrite) writeItems();
        break;
      case Section::kLogs:
        writeLog(*decodeLog(f, record));
        break;
    }
    return Result<void>::success();
  }

  ImportReport finish() {
    writeItems();
    Writes writes;
    for (auto& show : shows_) {
      store_.updateShow(username_, show.folder_name, *show.series, writes.next());
    }
    report_.shows_tagged = writes.wait();
    for (const auto& c : choices_) store_.chooseLanguage(username_, c.kind, c.group, c.language);
    report_.language_choices = static_cast<std::int64_t>(choices_.size());
    for (auto& p : tv_progress_) {
      auto present = store_.getTvProgress(username_, p.tv_show);
      if (present && present->last_updated >= p.last_updated) continue;
      store_.putTvProgress(std::move(p), writes.nextWrite());
    }
    report_.tv_progress_updated = writes.wait();
    return report_;
  }

 private:
  // The pending items, one write per kind and sync time.
  void writeItems() {
    if (items_.empty()) return;
    const storage::Calendar calendar = calendars_.of(username_);
    std::map<std::pair<ItemKind, std::int64_t>, std::vector<const storage::WatchedItem*>> syncs;
    for (const auto& item : items_) syncs[{item.kind, item.timestamp}].push_back(&item);
    Writes writes;
    for (const auto& [key, items] : syncs) {
      const storage::SyncStamp stamp{key.second, calendar};
      switch (key.first) {
        case ItemKind::kEpisode: {
          std::vector<storage::EpisodeRef> refs;
          for (const auto* i : items) refs.push_back({i->folder_name, i->file_name});
          store_.recordEpisodes(username_, std::move(refs), stamp, writes.next());
          break;
        }
        case ItemKind::kMovie: {
          std::vector<storage::MovieRecord> movies;
          for (const auto* i : items) movies.push_back({i->file_name, i->movie});
          store_.recordMovies(username_, std::move(movies), stamp, writes.next());
          break;
        }
        case ItemKind::kYoutubeVideo: {
          std::vector<domain::YoutubeVideo> videos;
          for (const auto* i : items) {
            const domain::GroupInfo channel = groupOf(channels_, i->group);
            videos.push_back({i->id, i->title, i->group, channel.name, i->seconds,
                              channel.artwork_url, i->language});
          }
          store_.recordYoutubeVideos(username_, std::move(videos), stamp, writes.next());
          break;
        }
        case ItemKind::kSpotifyEpisode: {
          std::vector<domain::SpotifyEpisode> episodes;
          for (const auto* i : items) {
            const domain::GroupInfo show = groupOf(podcasts_, i->group);
            episodes.push_back({i->id, i->title, i->group, show.name, i->seconds, std::nullopt,
                                show.artwork_url, i->language});
          }
          store_.recordSpotifyEpisodes(username_, std::move(episodes), stamp, writes.next());
          break;
        }
      }
    }
    const std::int64_t added = writes.wait();
    report_.items_added += added;
    report_.items_present += static_cast<std::int64_t>(items_.size()) - added;
    items_.clear();
  }

  // A group of the document, else one named by its id.
  static domain::GroupInfo groupOf(const std::map<std::string, domain::GroupInfo>& groups,
                                   const std::string& id) {
    auto at = groups.find(id);
    return at == groups.end() ? domain::GroupInfo{id, id, std::nullopt} : at->second;
  }

  void writeLog(const domain::ImmersionLog& log) {
    if (store_.findLog(username_, log.id)) {
      ++report_.logs_present;
      return;
    }
    // Under a key of its id, so that two imports at once record it once.
    storage::AddedLog added = store_.addLog(username_, log, "import:" + log.id);
    ++(added.replayed ? report_.logs_present : report_.logs_added);
  }

  storage::Store& store_;
  const service::Calendars& calendars_;
  std::string username_;
  std::map<std::string, domain::GroupInfo> channels_;
  std::map<std::string, domain::GroupInfo> podcasts_;
  std::vector<storage::TvProgress> tv_progress_;
  std::vector<ImportedShow> shows_;
  std::vector<storage::LanguageChoice> choices_;
  std::vector<storage::WatchedItem> items_;
  ImportReport report_;
};

// What the first read keeps for the second: the channels' and podcasts' names for the items,
// and in an export of every user, whose document it is.
struct CheckedDocument {
  std::string username;
  std::optional<storage::UserRecord> account;
  std::vector<storage::StoredToken> tokens;
  std::map<std::string, domain::GroupInfo> channels;
  std::map<std::string, domain::GroupInfo> podcasts;
};

// The first read: every record checked. `every_user`: a document of an export of every user,
// whose user, account and tokens are kept; else its account and tokens are refused.
Result<CheckedDocument> checkDocument(std::string_view body, bool every_user) {
  CheckedDocument doc;
  Result<void> checked = readExport(
      body, [&](Section section, std::size_t index, const json::object& record) -> Result<void> {
        const Fields f(record, section, index);
        auto keep = [](auto decoded) -> Result<void> {
          if (!decoded) return decoded.failure;
          return Result<void>::success();
        };
        if (!every_user && (section == Section::kAccount || section == Section::kTokens)) {
          return f.bad(
              "this is a part of an export of every user, which only an operator imports, "
              "with immersion-tracker import --all");
        }
        switch (section) {
          case Section::kHeader:
            return checkHeader(f);
          case Section::kUser: {
            if (every_user) {
              IT_TRY(name, f.text("username", 64));
              if (!domain::isValidUsername(name)) return f.bad("username must be a user's name");
              doc.username = std::move(name);
            }
            return keep(decodeUser(f));
          }
          case Section::kAccount: {
            IT_TRY(account, decodeAccount(f, doc.username));
            doc.account = std::move(account);
            return Result<void>::success();
          }
          case Section::kTokens: {
            IT_TRY(token, decodeToken(f, doc.username));
            doc.tokens.push_back(std::move(token));
            return Result<void>::success();
          }
          case Section::kTvProgress:
            return keep(decodeTvProgress(f, doc.username));
          case Section::kShows:
            return keep(decodeShow(f));
          case Section::kChannels:
          case Section::kPodcasts: {
            auto group = decodeGroup(f);
            if (!group) return group.failure;
            (section == Section::kChannels ? doc.channels : doc.podcasts)[group->id] = *group;
            return Result<void>::success();
          }
          case Section::kLanguageChoices:
            return keep(decodeChoice(f, record));
          case Section::kItems:
            return keep(decodeItem(f));
          case Section::kLogs:
            return keep(decodeLog(f, record));
        }
        return Result<void>::success();
      });
  if (!checked) return *checked.failure;
  if (every_user) {
    if (doc.username.empty())
      return Failure{FailureKind::kInvalidRequest, "user: its username is missing"};
    if (!doc.account) {
      return Failure{FailureKind::kInvalidRequest,
                     "the document has no account: it is one user's export (import it into an "
                     "account with immersion-tracker import FILE), not an export of every user"};
    }
    // Whichever came first in the document.
    doc.account->name = doc.username;
    for (auto& token : doc.tokens) token.info.username = doc.username;
  }
  return Result<CheckedDocument>::success(std::move(doc));
}

// The second read: everything checked, written into `username`'s account.
ImportReport writeDocument(storage::Store& store, const service::Calendars& calendars,
                           const std::string& username, std::string_view body,
                           CheckedDocument checked) {
  Writer writer(store, calendars, username, std::move(checked.channels),
                std::move(checked.podcasts));
  Result<void> written =
      readExport(body, [&](Section section, std::size_t index, const json::object& record) {
        return writer.visit(section, index, record);
      });
  // The first read accepted this body: only a store failure (thrown) stops the second.
  if (!written) throw FailureError(*written.failure);
  return writer.finish();
}

// The documents of an export of every user: its non-empty lines, numbered from 1.
std::vector<std::pair<std::size_t, std::string_view>> documentLines(std::string_view body) {
  std::vector<std::pair<std::size_t, std::string_view>> lines;
  std::size_t number = 0;
  while (!body.empty()) {
    ++number;
    const std::size_t end = body.find('\n');
    std::string_view line = body.substr(0, end);
    body.remove_prefix(end == std::string_view::npos ? body.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") != std::string_view::npos) lines.emplace_back(number, line);
  }
  return lines;
}

}  // namespace

Result<ImportReport> importExport(storage::Store& store, const service::Calendars& calendars,
                                  std::string_view username, std::string_view body) {
  auto checked = checkDocument(body, false);
  if (!checked) return checked.failure;
  return Result<ImportReport>::success(
      writeDocument(store, calendars, std::string(username), body, std::move(*checked)));
}

Result<std::vector<UserImport>> importEveryUser(storage::Store& store,
                                                const service::Calendars& calendars,
                                                std::string_view body,
                                                const ImportProgress& progress) {
  const auto lines = documentLines(body);
  if (lines.empty()) {
    return Failure{FailureKind::kInvalidRequest, "the file holds no user's document"};
  }
  // First: every document checked, and no user twice.
  std::vector<CheckedDocument> documents;
  std::map<std::string, std::size_t> line_of_user;
  for (const auto& [number, line] : lines) {
    auto checked = checkDocument(line, true);
    const std::string where = "line " + std::to_string(number);
    if (!checked) return Failure{checked.failure.kind, where + ": " + checked.failure.message};
    auto [first, fresh] = line_of_user.emplace(checked->username, number);
    if (!fresh) {
      return Failure{FailureKind::kInvalidRequest, where + ": user \"" + checked->username +
                                                       "\" is on line " +
                                                       std::to_string(first->second) + " too"};
    }
    documents.push_back(std::move(*checked));
  }
  // Then each user: their account unless it exists, their tokens, their data.
  std::vector<UserImport> imported;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (progress) progress(i, documents.size(), documents[i].username);
    CheckedDocument& doc = documents[i];
    UserImport result;
    result.username = doc.username;
    if (!store.findUser(doc.username)) result.account_created = store.addUser(*doc.account);
    for (const auto& token : doc.tokens) {
      if (store.findUserByTokenHash(token.hash)) continue;
      store.addToken(token.info, token.hash);
      ++result.tokens_added;
    }
    result.data = writeDocument(store, calendars, result.username, lines[i].second, std::move(doc));
    imported.push_back(std::move(result));
  }
  if (progress) progress(documents.size(), documents.size(), "");
  return Result<std::vector<UserImport>>::success(std::move(imported));
}

}  // namespace it::api::imports
