#include "client/watched_list.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace it::client {
namespace {

constexpr std::string_view kVideo = "dQw4w9WgXcQ";
constexpr std::string_view kVideo2 = "a_b-C1d2E3f";
constexpr std::string_view kEpisode = "4rOoJ6Egrf8K2IrywzwOMk";
constexpr std::string_view kEpisode2 = "0Q86acNRm6V9GYx55SXKwf";

std::string s(std::string_view v) { return std::string(v); }

// --- parseWatchedLink: YouTube ---------------------------------------------------------

class WatchedLinkYoutubeAccepted : public ::testing::TestWithParam<std::string> {};

TEST_P(WatchedLinkYoutubeAccepted, ReadsTheVideoId) {
  auto link = parseWatchedLink(GetParam());
  ASSERT_TRUE(link.has_value()) << GetParam();
  EXPECT_EQ(link->kind, LinkKind::kYoutubeVideo);
  EXPECT_EQ(link->id, kVideo);
}

INSTANTIATE_TEST_SUITE_P(
    WatchedForms, WatchedLinkYoutubeAccepted,
    ::testing::Values(
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s&list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG"
        "&index=3&pp=iAQB&si=AbCdEfGh",
        "https://www.youtube.com/watch?app=desktop&v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42s",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&ab_channel=RickAstley",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ#t=30",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ#:~:text=never gonna",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1h2m3s",
        "https://www.youtube.com/watch/?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgX%63Q",  // percent-encoded 'c'
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://music.youtube.com/watch?v=dQw4w9WgXcQ&si=x", "www.youtube.com/watch?v=dQw4w9WgXcQ",
        "youtube.com/watch?v=dQw4w9WgXcQ", "m.youtube.com/watch?v=dQw4w9WgXcQ",
        "//www.youtube.com/watch?v=dQw4w9WgXcQ", "HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ",
        "https://WWW.YouTube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com:443/watch?v=dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?si=AbCdEf&t=42", "http://youtu.be/dQw4w9WgXcQ",
        "youtu.be/dQw4w9WgXcQ", "YOUTU.BE/dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ/",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ?feature=share",
        "https://youtube.com/shorts/dQw4w9WgXcQ?si=abc",
        "https://www.youtube.com/live/dQw4w9WgXcQ?si=x&feature=share",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ?start=42&si=x",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42",
        "https://youtube-nocookie.com/embed/dQw4w9WgXcQ", "https://www.youtube.com/v/dQw4w9WgXcQ",
        "https://www.youtube.com/e/dQw4w9WgXcQ",
        "https://www.youtube.com/attribution_link?a=xyz&u=%2Fwatch%3Fv%3DdQw4w9WgXcQ%26feature%3D"
        "share",
        "  https://youtu.be/dQw4w9WgXcQ\t"));

TEST(WatchedLinkYoutube, IdsKeepTheirCaseAndPunctuation) {
  auto link = parseWatchedLink("https://youtu.be/a_b-C1d2E3f");
  ASSERT_TRUE(link);
  EXPECT_EQ(link->id, kVideo2);
  link = parseWatchedLink("https://www.youtube.com/watch?v=-_-_-_-_-_-");
  ASSERT_TRUE(link);
  EXPECT_EQ(link->id, "-_-_-_-_-_-");
}

TEST(WatchedLinkYoutube, FirstVParameterWins) {
  auto link = parseWatchedLink("https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=a_b-C1d2E3f");
  ASSERT_TRUE(link);
  EXPECT_EQ(link->id, kVideo);
}

class WatchedLinkRejected : public ::testing::TestWithParam<std::string> {};

TEST_P(WatchedLinkRejected, ReadsNothing) {
  auto link = parseWatchedLink(GetParam());
  EXPECT_FALSE(link.has_value()) << GetParam() << " -> " << (link ? link->id : "");
}

INSTANTIATE_TEST_SUITE_P(
    WatchedYoutubeForms, WatchedLinkRejected,
    ::testing::Values(
        // playlists
        "https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
        "https://www.youtube.com/watch?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
        "https://www.youtube.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
        "https://www.youtube-nocookie.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9",
        // channels
        "https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw",
        "https://www.youtube.com/@RickAstleyYT", "https://www.youtube.com/@RickAstleyYT/videos",
        "https://www.youtube.com/c/RickAstley", "https://www.youtube.com/user/RickAstleyVEVO",
        "https://www.youtube.com/", "https://youtu.be/", "youtube.com",
        // wrong id lengths or characters
        "https://www.youtube.com/watch?v=dQw4w9WgXc",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQQ", "https://youtu.be/dQw4w9WgXc",
        "https://youtu.be/dQw4w9WgXcQQ", "https://www.youtube.com/shorts/dQw4w9WgX.Q",
        "https://www.youtube.com/watch?v=dQw4w9WgX+Q", "https://www.youtube.com/watch?v=",
        "https://www.youtube.com/watch?v", "https://www.youtube.com/watch?vv=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?x=1&V=dQw4w9WgXcQ",
        // other hosts
        "https://notyoutube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.org/watch?v=dQw4w9WgXcQ",
        "https://evil.org/watch?v=dQw4w9WgXcQ&youtube.com",
        "https://evil.org/youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com@evil.org/watch?v=dQw4w9WgXcQ",
        "https://user@www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://gaming.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be.evil.org/dQw4w9WgXcQ",
        "https://www.youtu.be/dQw4w9WgXcQ/extra",
        "https://youtube-nocookie.com/watch?v=dQw4w9WgXcQ",
        "ftp://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "javascript://www.youtube.com/watch?v=dQw4w9WgXcQ",
        // not quite the forms
        "https://www.youtube.com/shorts/dQw4w9WgXcQ/extra",
        "https://www.youtube.com/Watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com//watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/"
        "attribution_link?u=https%3A%2F%2Fevil.org%2Fwatch%3Fv%3DdQw4w9WgXcQ",
        "https://www.youtube.com/attribution_link?u=%2Fattribution_link%3Fu%3D%252Fwatch%253Fv%253D"
        "dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ extra", "dQw4w9WgXcQ", "watch?v=dQw4w9WgXcQ"));

INSTANTIATE_TEST_SUITE_P(
    WatchedSpotifyForms, WatchedLinkRejected,
    ::testing::Values("https://open.spotify.com/show/5CfCWKI5pZ28U0uOzXkDHe",
                      "https://open.spotify.com/intl-de/show/5CfCWKI5pZ28U0uOzXkDHe",
                      "spotify:show:5CfCWKI5pZ28U0uOzXkDHe", "spotify:track:4rOoJ6Egrf8K2IrywzwOMk",
                      "https://open.spotify.com/track/4rOoJ6Egrf8K2IrywzwOMk",
                      "https://spotify.link/AbCdEfGhIjK", "https://spotify.app.link/AbCdEfGhIjK",
                      "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOM",
                      "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMkk",
                      "https://open.spotify.com/episode/4rOoJ6Egrf8K2Iryw_wOMk",
                      "https://open.spotify.com/episode/4rOoJ6Egrf8K2Iryw-wOMk",
                      "spotify:episode:4rOoJ6Egrf8K2IrywzwOM", "spotify:episode:",
                      "https://open.spotify.com/intl-deu/episode/4rOoJ6Egrf8K2IrywzwOMk",
                      "https://open.spotify.com/intl-d1/episode/4rOoJ6Egrf8K2IrywzwOMk",
                      "https://open.spotify.com/de/episode/4rOoJ6Egrf8K2IrywzwOMk",
                      "https://open.spotify.com/intl-de/intl-fr/episode/4rOoJ6Egrf8K2IrywzwOMk",
                      "https://play.spotify.com/intl-de/episode/4rOoJ6Egrf8K2IrywzwOMk",
                      "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk/extra",
                      "https://spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
                      "https://open.spotify.com.evil.org/episode/4rOoJ6Egrf8K2IrywzwOMk",
                      "https://notopen.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
                      "https://open.spotify.com/embed/show/5CfCWKI5pZ28U0uOzXkDHe"));

INSTANTIATE_TEST_SUITE_P(WatchedOther, WatchedLinkRejected,
                         ::testing::Values("", "   ", "# a comment", "hello world",
                                           "https://example.com/", "not a link at all ?v=x"));

// --- parseWatchedLink: Spotify ---------------------------------------------------------

class WatchedLinkSpotifyAccepted : public ::testing::TestWithParam<std::string> {};

TEST_P(WatchedLinkSpotifyAccepted, ReadsTheEpisodeId) {
  auto link = parseWatchedLink(GetParam());
  ASSERT_TRUE(link.has_value()) << GetParam();
  EXPECT_EQ(link->kind, LinkKind::kSpotifyEpisode);
  EXPECT_EQ(link->id, kEpisode);
}

INSTANTIATE_TEST_SUITE_P(
    WatchedForms, WatchedLinkSpotifyAccepted,
    ::testing::Values(
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "http://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk?si=a1b2c3d4e5f64a7b",
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk?si=abc&context=spotify%3Ashow%3A"
        "5CfCWKI5pZ28U0uOzXkDHe&nd=1&utm_source=copy-link&utm_medium=copy-link",
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk#x",
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk/",
        "https://open.spotify.com/intl-de/episode/4rOoJ6Egrf8K2IrywzwOMk?si=x",
        "https://open.spotify.com/intl-pt-br/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "https://open.spotify.com/intl-PT-BR/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "https://open.spotify.com/INTL-JA/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "https://open.spotify.com/embed/episode/4rOoJ6Egrf8K2IrywzwOMk?utm_source=generator&t=0",
        "https://open.spotify.com/embed-podcast/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "https://play.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "OPEN.SPOTIFY.COM/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "HTTPS://Open.Spotify.Com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "spotify:episode:4rOoJ6Egrf8K2IrywzwOMk", "Spotify:Episode:4rOoJ6Egrf8K2IrywzwOMk"));

TEST(WatchedLinkSpotify, IdsKeepTheirCase) {
  auto lower = parseWatchedLink("spotify:episode:4roojj6egrf8k2irywzwomk");
  EXPECT_FALSE(lower);  // 21 characters
  auto link = parseWatchedLink("https://open.spotify.com/episode/0Q86acNRm6V9GYx55SXKwf");
  ASSERT_TRUE(link);
  EXPECT_EQ(link->id, kEpisode2);
}

// --- parseWatchedFile ------------------------------------------------------------------

const WatchedFile& fileOf(const std::variant<WatchedFile, WatchedFileError>& parsed) {
  if (const auto* error = std::get_if<WatchedFileError>(&parsed)) {
    ADD_FAILURE() << "line " << error->line_number << ": " << error->text;
    static const WatchedFile kEmpty;
    return kEmpty;
  }
  return std::get<WatchedFile>(parsed);
}

TEST(ParseWatchedFile, EmptyContentHasNoLines) {
  auto parsed = parseWatchedFile("");
  const WatchedFile& file = fileOf(parsed);
  EXPECT_TRUE(file.lines.empty());
  EXPECT_TRUE(file.youtube_ids.empty());
  EXPECT_TRUE(file.spotify_ids.empty());
}

TEST(ParseWatchedFile, ReadsLinksOfBothKindsInOrder) {
  auto parsed = parseWatchedFile(
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n"
      "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk?si=x\n"
      "youtu.be/a_b-C1d2E3f\n"
      "spotify:episode:0Q86acNRm6V9GYx55SXKwf\n");
  const WatchedFile& file = fileOf(parsed);
  EXPECT_EQ(file.youtube_ids, (std::vector<std::string>{s(kVideo), s(kVideo2)}));
  EXPECT_EQ(file.spotify_ids, (std::vector<std::string>{s(kEpisode), s(kEpisode2)}));
  ASSERT_EQ(file.lines.size(), 4u);
  EXPECT_EQ(file.lines[0].number, 1);
  EXPECT_EQ(file.lines[3].number, 4);
  EXPECT_EQ(file.lines[2].text, "youtu.be/a_b-C1d2E3f");
  ASSERT_TRUE(file.lines[1].link);
  EXPECT_EQ(file.lines[1].link->kind, LinkKind::kSpotifyEpisode);
}

TEST(ParseWatchedFile, LastLineWithoutLineBreak) {
  auto parsed = parseWatchedFile("youtu.be/dQw4w9WgXcQ\nyoutu.be/a_b-C1d2E3f");
  const WatchedFile& file = fileOf(parsed);
  EXPECT_EQ(file.lines.size(), 2u);
  EXPECT_EQ(file.youtube_ids, (std::vector<std::string>{s(kVideo), s(kVideo2)}));
}

TEST(ParseWatchedFile, CrlfLineEndsAndSurroundingWhitespace) {
  auto parsed = parseWatchedFile(
      "  https://youtu.be/dQw4w9WgXcQ \r\n"
      "\thttps://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk\t\r\n"
      " \t \r\n");
  const WatchedFile& file = fileOf(parsed);
  EXPECT_EQ(file.youtube_ids, (std::vector<std::string>{s(kVideo)}));
  EXPECT_EQ(file.spotify_ids, (std::vector<std::string>{s(kEpisode)}));
  ASSERT_EQ(file.lines.size(), 3u);
  // The text is kept as read, without the line break.
  EXPECT_EQ(file.lines[0].text, "  https://youtu.be/dQw4w9WgXcQ ");
  EXPECT_FALSE(file.lines[2].link);
}

TEST(ParseWatchedFile, IgnoresUtf8Bom) {
  auto parsed = parseWatchedFile("\xEF\xBB\xBFhttps://youtu.be/dQw4w9WgXcQ\r\n");
  const WatchedFile& file = fileOf(parsed);
  EXPECT_EQ(file.youtube_ids, (std::vector<std::string>{s(kVideo)}));
  ASSERT_EQ(file.lines.size(), 1u);
  EXPECT_EQ(file.lines[0].text, "https://youtu.be/dQw4w9WgXcQ");
}

TEST(ParseWatchedFile, BomBeforeAComment) {
  auto parsed = parseWatchedFile("\xEF\xBB\xBF# my list\nyoutu.be/dQw4w9WgXcQ\n");
  const WatchedFile& file = fileOf(parsed);
  EXPECT_EQ(file.youtube_ids, (std::vector<std::string>{s(kVideo)}));
}

TEST(ParseWatchedFile, SkipsCommentsAndBlankLines) {
  auto parsed = parseWatchedFile(
      "# anime openings\n"
      "\n"
      "   # indented comment with a link https://youtu.be/a_b-C1d2E3f\n"
      "#https://youtu.be/a_b-C1d2E3f\n"
      "\t\n"
      "https://youtu.be/dQw4w9WgXcQ\n"
      "\n");
  const WatchedFile& file = fileOf(parsed);
  EXPECT_EQ(file.youtube_ids, (std::vector<std::string>{s(kVideo)}));
  EXPECT_TRUE(file.spotify_ids.empty());
  ASSERT_EQ(file.lines.size(), 7u);
  for (int i : {0, 1, 2, 3, 4, 6}) EXPECT_FALSE(file.lines[i].link) << i;
  ASSERT_TRUE(file.lines[5].link);
  EXPECT_EQ(file.lines[5].number, 6);
}

TEST(ParseWatchedFile, DeduplicatesKeepingFirstOccurrenceOrder) {
  auto parsed = parseWatchedFile(
      "https://youtu.be/a_b-C1d2E3f\n"
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ\n"
      "spotify:episode:0Q86acNRm6V9GYx55SXKwf\n"
      "https://www.youtube.com/shorts/a_b-C1d2E3f\n"
      "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk\n"
      "youtu.be/dQw4w9WgXcQ\n"
      "https://open.spotify.com/intl-de/episode/0Q86acNRm6V9GYx55SXKwf\n");
  const WatchedFile& file = fileOf(parsed);
  EXPECT_EQ(file.youtube_ids, (std::vector<std::string>{s(kVideo2), s(kVideo)}));
  EXPECT_EQ(file.spotify_ids, (std::vector<std::string>{s(kEpisode2), s(kEpisode)}));
  EXPECT_EQ(file.lines.size(), 7u);  // every line is still there
}

TEST(ParseWatchedFile, ErrorNamesTheFirstBadLine) {
  auto parsed = parseWatchedFile(
      "# line 1\n"
      "\n"
      "https://youtu.be/dQw4w9WgXcQ\n"
      "# line 4\r\n"
      "\n"
      "spotify:episode:4rOoJ6Egrf8K2IrywzwOMk\n"
      "  https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG \r\n"
      "also bad\n");
  const auto* error = std::get_if<WatchedFileError>(&parsed);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->line_number, 7);
  EXPECT_EQ(error->text,
            "https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG");
}

TEST(ParseWatchedFile, ErrorOnFirstLineAfterBom) {
  auto parsed = parseWatchedFile("\xEF\xBB\xBFhttps://spotify.link/AbCdEf\n");
  const auto* error = std::get_if<WatchedFileError>(&parsed);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->line_number, 1);
  EXPECT_EQ(error->text, "https://spotify.link/AbCdEf");
}

TEST(ParseWatchedFile, ErrorOnLastLineWithoutLineBreak) {
  auto parsed = parseWatchedFile("youtu.be/dQw4w9WgXcQ\r\nyoutu.be/short");
  const auto* error = std::get_if<WatchedFileError>(&parsed);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->line_number, 2);
  EXPECT_EQ(error->text, "youtu.be/short");
}

// --- withoutConfirmed ------------------------------------------------------------------

WatchedFile parsedFile(std::string_view content) {
  auto parsed = parseWatchedFile(content);
  return fileOf(parsed);
}

TEST(WatchedWithoutConfirmed, KeepsUnconfirmedLinksCommentsAndBlanksVerbatim) {
  WatchedFile file = parsedFile(
      "# to sync\r\n"
      "https://youtu.be/dQw4w9WgXcQ\r\n"
      "  https://www.youtube.com/watch?v=a_b-C1d2E3f&t=3s  \r\n"
      "\r\n"
      "spotify:episode:4rOoJ6Egrf8K2IrywzwOMk\r\n"
      "https://open.spotify.com/episode/0Q86acNRm6V9GYx55SXKwf");
  std::string left = withoutConfirmed(file, {s(kVideo)}, {s(kEpisode)});
  EXPECT_EQ(left,
            "# to sync\n"
            "  https://www.youtube.com/watch?v=a_b-C1d2E3f&t=3s  \n"
            "\n"
            "https://open.spotify.com/episode/0Q86acNRm6V9GYx55SXKwf\n");
}

TEST(WatchedWithoutConfirmed, DropsEveryDuplicateOfAConfirmedId) {
  WatchedFile file = parsedFile(
      "https://youtu.be/dQw4w9WgXcQ\n"
      "https://youtu.be/a_b-C1d2E3f\n"
      "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1\n"
      "youtube.com/shorts/dQw4w9WgXcQ\n");
  EXPECT_EQ(withoutConfirmed(file, {s(kVideo)}, {}), "https://youtu.be/a_b-C1d2E3f\n");
}

TEST(WatchedWithoutConfirmed, ConfirmationIsPerKind) {
  // The same string confirmed as the other kind must not remove a line.
  WatchedFile file =
      parsedFile("https://youtu.be/dQw4w9WgXcQ\nspotify:episode:4rOoJ6Egrf8K2IrywzwOMk\n");
  EXPECT_EQ(withoutConfirmed(file, {s(kEpisode)}, {s(kVideo)}),
            "https://youtu.be/dQw4w9WgXcQ\nspotify:episode:4rOoJ6Egrf8K2IrywzwOMk\n");
}

TEST(WatchedWithoutConfirmed, NothingConfirmedKeepsEverything) {
  WatchedFile file =
      parsedFile("# c\nhttps://youtu.be/dQw4w9WgXcQ\n\nspotify:episode:4rOoJ6Egrf8K2IrywzwOMk");
  EXPECT_EQ(withoutConfirmed(file, {}, {}),
            "# c\nhttps://youtu.be/dQw4w9WgXcQ\n\nspotify:episode:4rOoJ6Egrf8K2IrywzwOMk\n");
}

TEST(WatchedWithoutConfirmed, EmptyWhenAllConfirmed) {
  WatchedFile file = parsedFile(
      "\n"
      "https://youtu.be/dQw4w9WgXcQ\r\n"
      "  \t\n"
      "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk\n"
      "\n");
  EXPECT_EQ(withoutConfirmed(file, {s(kVideo)}, {s(kEpisode)}), "");
}

TEST(WatchedWithoutConfirmed, KeepsACommentWhenAllLinksConfirmed) {
  WatchedFile file = parsedFile("# keep me\nhttps://youtu.be/dQw4w9WgXcQ\n");
  EXPECT_EQ(withoutConfirmed(file, {s(kVideo)}, {}), "# keep me\n");
}

TEST(WatchedWithoutConfirmed, EmptyFileStaysEmpty) {
  EXPECT_EQ(withoutConfirmed(parsedFile(""), {s(kVideo)}, {}), "");
}

TEST(ParseWatchedLinkLeniency, WhatPastingBringsAlong) {
  // A share parameter after a Spotify URI, a note after the link, wide spaces around it, and
  // characters a URL parser refuses that the original's regex read all the same.
  for (const char* line :
       {"spotify:episode:4rOoJ6Egrf8K2IrywzwOMk?si=x", "https://youtu.be/9bZkp7q19f0 # lesson 3",
        "\xE3\x80\x80https://youtu.be/9bZkp7q19f0\xC2\xA0",
        "https://www.youtube.com/watch?v=9bZkp7q19f0&list=PL|x",
        "https://www.youtube.com/watch?v=9bZkp7q19f0&title=\xE6\x97\xA5\xE6\x9C\xAC"}) {
    auto link = parseWatchedLink(line);
    ASSERT_TRUE(link) << line;
    EXPECT_TRUE(link->id == "4rOoJ6Egrf8K2IrywzwOMk" || link->id == "9bZkp7q19f0") << line;
  }
}

}  // namespace
}  // namespace it::client
