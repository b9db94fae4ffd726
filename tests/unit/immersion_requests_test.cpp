// Decoding of the immersion API's request bodies: typed values, or the invalid-request failure
// (a 400) naming the first bad item.
#include <gtest/gtest.h>

#include "api/immersion/requests.hpp"

namespace it::api::immersion {
namespace {

// The failure's message, checked to be an invalid request; empty when the body was decoded.
template <class T>
std::string errorOf(const Result<T>& r) {
  if (r) return "";
  EXPECT_EQ(r.failure.kind, FailureKind::kInvalidRequest);
  return r.failure.message;
}

TEST(ImmersionRequests, EpisodesKeepOrderAndDuplicates) {
  auto parsed = parseSyncEpisodes(
      R"({"episodes": [{"folder_name": "進撃の巨人 {1}", "file_name": "ep [1]"},
                       {"folder_name": "A", "file_name": "x", "extra": true},
                       {"folder_name": "進撃の巨人 {1}", "file_name": "ep [1]"}]})");
  ASSERT_TRUE(parsed) << parsed.failure.message;
  const auto& episodes = *parsed;
  ASSERT_EQ(episodes.size(), 3u);
  EXPECT_EQ(episodes[0].folder_name, "進撃の巨人 {1}");
  EXPECT_EQ(episodes[0].file_name, "ep [1]");
  EXPECT_EQ(episodes[1].folder_name, "A");
}

TEST(ImmersionRequests, FirstBadItemIsNamed) {
  auto parsed = parseSyncMovies(
      R"({"movies": [{"file_name": "a", "tvdb_id": 1}, {"file_name": "b", "tvdb_id": -4},
                     {"file_name": "", "tvdb_id": 2}]})");
  EXPECT_EQ(errorOf(parsed), "movies[1].tvdb_id must be a positive integer");
}

TEST(ImmersionRequests, IdsAreCheckedByKind) {
  auto ok = parseSyncYoutube(R"({"video_ids": ["dQw4w9WgXcQ", "a_b-c_d-e_f"]})");
  EXPECT_TRUE(ok);
  auto bad = parseSyncYoutube(R"({"video_ids": ["dQw4w9WgXcQ", "dQw4w9WgXc!"]})");
  ASSERT_FALSE(bad);
  EXPECT_NE(errorOf(bad).find("video_ids[1]"), std::string::npos);

  EXPECT_TRUE(parseSyncSpotify(R"({"episode_ids": ["512ojhOuo1ktJprKbVcKyQ"]})"));
  for (const char* body :
       {R"({"episode_ids": ["512ojhOuo1ktJprKbVcKy_"]})",
        R"({"episode_ids": ["512ojhOuo1ktJprKbVcKyQQ"]})", R"({"episode_ids": [null]})",
        R"({"episode_ids": {}})", R"({"video_ids": []})"}) {
    EXPECT_NE(errorOf(parseSyncSpotify(body)), "") << body;
  }
}

TEST(ImmersionRequests, SpotifyBackfillIsAnOptionalFlag) {
  auto plain = parseSyncSpotify(R"({"episode_ids": ["512ojhOuo1ktJprKbVcKyQ"]})");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->backfill);
  EXPECT_EQ(plain->episode_ids, std::vector<std::string>{"512ojhOuo1ktJprKbVcKyQ"});
  auto on = parseSyncSpotify(R"({"episode_ids": ["512ojhOuo1ktJprKbVcKyQ"], "backfill": true})");
  ASSERT_TRUE(on);
  EXPECT_TRUE(on->backfill);
  auto null = parseSyncSpotify(R"({"episode_ids": [], "backfill": null})");
  ASSERT_TRUE(null);
  EXPECT_FALSE(null->backfill);
  for (const char* flag : {"1", "\"true\"", "[]"}) {
    std::string body = std::string(R"({"episode_ids": [], "backfill": )") + flag + "}";
    EXPECT_EQ(errorOf(parseSyncSpotify(body)), "backfill must be true or false") << body;
  }
}

TEST(ImmersionRequests, ShowUpdate) {
  auto parsed = parseShowUpdate(R"({"folder_name": "Free", "tvdb_id": 278157})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->tvdb_id, 278157);
  for (const char* body : {"", "[]", R"({"folder_name": "Free"})",
                           R"({"folder_name": "Free", "tvdb_id": 18446744073709551615})",
                           R"({"folder_name": "Free", "tvdb_id": true})"}) {
    EXPECT_NE(errorOf(parseShowUpdate(body)), "") << body;
  }
}

}  // namespace
}  // namespace it::api::immersion
