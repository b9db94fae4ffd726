#pragma once

// Shared by the libFuzzer targets in this directory (see the README's
// section "Fuzzing"): an invariant check that survives NDEBUG, the fuzz input as text, the
// parse of a JSON response body, and a Store that keeps nothing, for driving handlers without
// a database.

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/responses.hpp"
#include "storage/store.hpp"

// Aborts (a crash for libFuzzer, with the input saved) when `cond` is false.
#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace it::fuzz {

inline std::string_view textOf(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A response body parsed as JSON; nothing when it is not JSON.
inline std::optional<boost::json::value> parseJson(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

// Checks the one error shape of this service: {"error": "<text>"}.
inline void checkErrorBody(std::string_view body) {
  auto v = parseJson(body);
  FUZZ_CHECK(v.has_value());
  FUZZ_CHECK(v->is_object());
  const auto* error = v->get_object().if_contains("error");
  FUZZ_CHECK(error != nullptr && error->is_string() && !error->get_string().empty());
}

// What a request decoder made of an input: the value, or nothing when it refused it, having
// checked that the refusal is a 400 in the service's error shape, of bounded size (a quoted
// bad value never breaks the JSON or echoes megabytes). Points into `parsed`.
template <class T>
const T* decodedOrRefused(const Result<T>& parsed) {
  if (parsed) return &*parsed;
  FUZZ_CHECK(parsed.failure.kind == FailureKind::kInvalidRequest);
  const auto response = http::failureResponse(parsed.failure);
  FUZZ_CHECK(response.status == 400);
  FUZZ_CHECK(response.body.size() < 1024);
  checkErrorBody(response.body);
  return nullptr;
}

// A Store that keeps nothing: reads find nothing (except what the fields below say), writes
// succeed at once on the calling thread and are remembered for the checks.
class StubStore final : public storage::Store {
 public:
  // What the last putTvProgress / listAllTvProgress call got.
  std::optional<storage::TvProgress> last_put;
  std::optional<std::optional<storage::TvProgressKey>> last_after;
  // listAllTvProgress answers one entry and, when paging, this as the next key.
  storage::TvProgressKey next_key{"alice", "The Office"};
  // findUserByTokenHash finds `token_user` for this hash.
  std::string token_hash;
  storage::UserRecord token_user{"alice", "", false, ""};

  bool fastReads() const override { return true; }
  std::optional<std::uint64_t> credentialsVersion() override { return 1; }
  std::optional<storage::UserRecord> findUser(std::string_view) override { return std::nullopt; }
  std::vector<storage::UserRecord> listUsers() override { return {}; }
  bool addUser(const storage::UserRecord&) override { return false; }
  bool setPasswordHash(std::string_view, std::string_view) override { return false; }
  bool removeUser(std::string_view) override { return false; }
  void addToken(const storage::TokenInfo&, std::string_view) override {}
  std::optional<storage::UserRecord> findUserByTokenHash(std::string_view hash) override {
    if (!token_hash.empty() && hash == token_hash) return token_user;
    return std::nullopt;
  }
  std::vector<storage::TokenInfo> listTokens(std::string_view) override { return {}; }
  std::vector<storage::StoredToken> listStoredTokens(std::string_view) override { return {}; }
  int revokeTokens(std::string_view, std::string_view) override { return 0; }
  void addSession(std::string_view, std::string_view, std::int64_t, std::int64_t) override {}
  std::optional<storage::SessionUser> findUserBySessionHash(std::string_view hash) override {
    if (!token_hash.empty() && hash == token_hash) return storage::SessionUser{token_user, 1};
    return std::nullopt;
  }
  void extendSession(std::string_view, std::int64_t) override {}
  void removeSession(std::string_view) override {}

  std::optional<storage::TvProgress> getTvProgress(std::string_view, std::string_view) override {
    return std::nullopt;
  }
  std::vector<storage::TvProgress> listTvProgress(std::string_view username) override {
    return {storage::TvProgress{std::string(username), "The Office", 2, 5,
                                "2025-01-15T10:30:00.123456"}};
  }
  storage::TvProgressPage listAllTvProgress(
      std::size_t limit, const std::optional<storage::TvProgressKey>& after) override {
    last_after = after;
    storage::TvProgressPage page;
    page.entries.push_back({"alice", "The Office", 2, 5, "2025-01-15T10:30:00.123456"});
    if (limit > 0) page.next = next_key;
    return page;
  }
  void putTvProgress(storage::TvProgress progress, storage::WriteDone done) override {
    last_put = std::move(progress);
    done(Result<void>::success());
  }

  std::optional<storage::UserSettings> userSettings(std::string_view) override {
    return std::nullopt;
  }
  bool changeUserSettings(std::string_view, const storage::SettingsChange&) override {
    return false;
  }
  std::vector<storage::ShowRecord> listShows(std::string_view) override { return {}; }
  std::optional<storage::ShowRecord> findShow(std::string_view, std::string_view) override {
    return std::nullopt;
  }
  void recordEpisodes(std::string_view, std::vector<storage::EpisodeRef>, storage::SyncStamp,
                      storage::CountDone done) override {
    done(Result<std::int64_t>::success(0));
  }
  void updateShow(std::string_view, std::string_view, domain::TvdbSeries,
                  storage::CountDone done) override {
    done(Result<std::int64_t>::success(0));
  }
  std::vector<std::string> existingMovies(std::string_view,
                                          const std::vector<std::string>&) override {
    return {};
  }
  std::vector<std::string> existingYoutubeVideos(std::string_view,
                                                 const std::vector<std::string>&) override {
    return {};
  }
  std::vector<std::string> existingSpotifyEpisodes(std::string_view,
                                                   const std::vector<std::string>&) override {
    return {};
  }
  std::optional<std::string> movieWithTmdbId(std::string_view, std::int64_t) override {
    return std::nullopt;
  }
  void recordMovies(std::string_view, std::vector<storage::MovieRecord>, storage::SyncStamp,
                    storage::CountDone done) override {
    done(Result<std::int64_t>::success(0));
  }
  void recordYoutubeVideos(std::string_view, std::vector<domain::YoutubeVideo>, storage::SyncStamp,
                           storage::CountDone done) override {
    done(Result<std::int64_t>::success(0));
  }
  void recordSpotifyEpisodes(std::string_view, std::vector<domain::SpotifyEpisode>,
                             storage::SyncStamp, storage::CountDone done) override {
    done(Result<std::int64_t>::success(0));
  }
  storage::WatchedPage listWatched(std::string_view, const std::optional<std::string>&,
                                   std::size_t) override {
    return {};
  }
  std::vector<storage::GroupRecord> listGroups(std::string_view) override { return {}; }
  std::vector<storage::LanguageChoice> languageChoices(std::string_view) override { return {}; }
  void chooseLanguage(std::string_view, domain::ItemKind, std::string_view,
                      std::optional<std::string>) override {}
  domain::ProgressInput progressInput(std::string_view, const storage::Calendar&,
                                      std::int64_t) override {
    return {};
  }
  storage::AddedLog addLog(std::string_view, const domain::ImmersionLog& log,
                           std::string_view) override {
    return {log, false};
  }
  std::optional<domain::ImmersionLog> findLog(std::string_view, std::string_view) override {
    return std::nullopt;
  }
  storage::LogPage listLogs(std::string_view, const storage::LogQuery&) override { return {}; }
  bool replaceLog(std::string_view, const domain::ImmersionLog&,
                  const domain::ImmersionLog&) override {
    return false;
  }
  bool removeLog(std::string_view, const domain::ImmersionLog&) override { return false; }
  domain::LogTotals logTotals(std::string_view, domain::LocalDay, domain::LocalDay, bool) override {
    return {};
  }
  std::optional<storage::MetadataEntry> cachedMetadata(std::string_view,
                                                       std::string_view) override {
    return std::nullopt;
  }
  void putCachedMetadata(std::vector<storage::MetadataEntry>, storage::WriteDone done) override {
    done(Result<void>::success());
  }
};

}  // namespace it::fuzz
