#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "support/temp_dir.hpp"

namespace it::app {
namespace {

// Clears the IMMERSION_TRACKER_* variables a test sets.
class ConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* v :
         {"IMMERSION_TRACKER_LISTEN", "IMMERSION_TRACKER_DATA_DIR", "IMMERSION_TRACKER_IO_THREADS",
          "IMMERSION_TRACKER_CONFIG", "IMMERSION_TRACKER_TVDB_BASE_URL",
          "IMMERSION_TRACKER_YOUTUBE_API_KEY", "IMMERSION_TRACKER_TIME_ZONE",
          "IMMERSION_TRACKER_PROVIDER_THREADS", "IMMERSION_TRACKER_PROVIDER_TIMEOUT_SECONDS",
          "IMMERSION_TRACKER_PASSWORD_THREADS", "IMMERSION_TRACKER_CORS_ALLOWED_ORIGINS",
          "IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN", "IMMERSION_TRACKER_SECURE_COOKIES",
          "IMMERSION_TRACKER_MAX_IMPORT_BYTES"}) {
      unsetenv(v);
    }
  }
  std::string writeFile(const std::string& text) {
    std::string path = dir_.path() + "/config.toml";
    std::ofstream(path) << text;
    return path;
  }
  test::TempDir dir_;
};

std::string errorOf(const ConfigOverrides& o) {
  try {
    loadConfig(o);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST_F(ConfigTest, Defaults) {
  Config c = loadConfig({});
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.databasePath(), "./data/tracker.db");
}

TEST_F(ConfigTest, FlagsBeatEnvironmentBeatFile) {
  std::string file =
      writeFile("listen = \"127.0.0.1:7000\"\ndata_dir = \"/from/file\"\nio_threads = 3\n");
  ConfigOverrides o;
  o.config_file = file;
  Config c = loadConfig(o);
  EXPECT_EQ(c.port, 7000);
  EXPECT_EQ(c.data_dir, "/from/file");
  EXPECT_EQ(c.io_threads, 3u);

  setenv("IMMERSION_TRACKER_LISTEN", "127.0.0.1:7001", 1);
  setenv("IMMERSION_TRACKER_IO_THREADS", "4", 1);
  c = loadConfig(o);
  EXPECT_EQ(c.port, 7001);
  EXPECT_EQ(c.io_threads, 4u);

  o.listen = "[::1]:0";
  o.data_dir = "/from/flag";
  c = loadConfig(o);
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 0);
  EXPECT_EQ(c.data_dir, "/from/flag");
}

// The import's body limit is a setting of its own, larger than the syncs' by default.
TEST_F(ConfigTest, MaxImportBytes) {
  Config defaults = loadConfig({});
  EXPECT_EQ(defaults.max_import_bytes, 64u * 1024 * 1024);
  EXPECT_EQ(defaults.max_body_bytes, 8u * 1024 * 1024);
  ConfigOverrides o;
  o.config_file = writeFile("max_import_bytes = 2048\n");
  EXPECT_EQ(loadConfig(o).max_import_bytes, 2048u);
  setenv("IMMERSION_TRACKER_MAX_IMPORT_BYTES", "134217728", 1);
  EXPECT_EQ(loadConfig(o).max_import_bytes, 128u * 1024 * 1024);
  setenv("IMMERSION_TRACKER_MAX_IMPORT_BYTES", "100", 1);
  EXPECT_NE(errorOf({}).find("IMMERSION_TRACKER_MAX_IMPORT_BYTES must be a whole number from 1024"),
            std::string::npos);
}

// The provider pool and timeout (the timeout lands in the provider settings).
TEST_F(ConfigTest, ProviderThreadsAndTimeout) {
  Config defaults = loadConfig({});
  EXPECT_EQ(defaults.provider_threads, 8u);
  EXPECT_EQ(defaults.providers.request_timeout, std::chrono::seconds(10));

  ConfigOverrides o;
  o.config_file = writeFile("provider_threads = 3\nprovider_timeout_seconds = 4\n");
  Config c = loadConfig(o);
  EXPECT_EQ(c.provider_threads, 3u);
  EXPECT_EQ(c.providers.request_timeout, std::chrono::seconds(4));

  setenv("IMMERSION_TRACKER_PROVIDER_TIMEOUT_SECONDS", "30", 1);
  EXPECT_EQ(loadConfig(o).providers.request_timeout, std::chrono::seconds(30));
  setenv("IMMERSION_TRACKER_PROVIDER_TIMEOUT_SECONDS", "0", 1);
  EXPECT_EQ(errorOf(o),
            "IMMERSION_TRACKER_PROVIDER_TIMEOUT_SECONDS must be a whole number from 1 to 300 (got "
            "\"0\")");
}

TEST_F(ConfigTest, SecureCookies) {
  EXPECT_FALSE(loadConfig({}).secure_cookies);
  ConfigOverrides o;
  o.config_file = writeFile("secure_cookies = true\n");
  EXPECT_TRUE(loadConfig(o).secure_cookies);
  setenv("IMMERSION_TRACKER_SECURE_COOKIES", "No", 1);
  EXPECT_FALSE(loadConfig(o).secure_cookies);
  setenv("IMMERSION_TRACKER_SECURE_COOKIES", "maybe", 1);
  EXPECT_EQ(errorOf(o), "IMMERSION_TRACKER_SECURE_COOKIES must be true or false (got \"maybe\")");
  unsetenv("IMMERSION_TRACKER_SECURE_COOKIES");
  o.config_file = writeFile("secure_cookies = \"yes\"\n");
  EXPECT_NE(errorOf(o).find("secure_cookies must be true or false"), std::string::npos)
      << errorOf(o);
}

TEST_F(ConfigTest, CorsAllowedOrigins) {
  EXPECT_TRUE(loadConfig({}).cors_allowed_origins.empty());
  ConfigOverrides o;
  o.config_file = writeFile(
      "cors_allowed_origins = [\"https://tracker.example.com\", \"http://localhost:5173\"]\n");
  EXPECT_EQ(loadConfig(o).cors_allowed_origins,
            (std::vector<std::string>{"https://tracker.example.com", "http://localhost:5173"}));
  // The environment replaces the file's list; spaces and empty entries are ignored.
  setenv("IMMERSION_TRACKER_CORS_ALLOWED_ORIGINS", " https://a.example ,,http://b.example:8080 ",
         1);
  EXPECT_EQ(loadConfig(o).cors_allowed_origins,
            (std::vector<std::string>{"https://a.example", "http://b.example:8080"}));
  // Empty, like every variable, it counts as unset; a lone comma clears the file's list.
  setenv("IMMERSION_TRACKER_CORS_ALLOWED_ORIGINS", "", 1);
  EXPECT_EQ(loadConfig(o).cors_allowed_origins.size(), 2u);
  setenv("IMMERSION_TRACKER_CORS_ALLOWED_ORIGINS", ",", 1);
  EXPECT_TRUE(loadConfig(o).cors_allowed_origins.empty());

  for (const char* bad : {"https://a.example/", "a.example", "ftp://a.example",
                          "https://a.example/app", "https://user@a.example", "*"}) {
    setenv("IMMERSION_TRACKER_CORS_ALLOWED_ORIGINS", bad, 1);
    EXPECT_NE(errorOf(o).find("cors_allowed_origins: \"" + std::string(bad) +
                              "\" is not an origin such as https://tracker.example.com"),
              std::string::npos)
        << errorOf(o);
  }
  unsetenv("IMMERSION_TRACKER_CORS_ALLOWED_ORIGINS");
  o.config_file = writeFile("cors_allowed_origins = \"https://a.example\"\n");
  EXPECT_NE(errorOf(o).find("cors_allowed_origins must be an array of strings"), std::string::npos)
      << errorOf(o);
  o.config_file = writeFile("cors_allowed_origins = [1]\n");
  EXPECT_NE(errorOf(o).find("cors_allowed_origins must be an array of strings"), std::string::npos)
      << errorOf(o);
}

TEST_F(ConfigTest, PasswordThreads) {
  EXPECT_EQ(loadConfig({}).password_threads, 2u);
  ConfigOverrides o;
  o.config_file = writeFile("password_threads = 3\n");
  EXPECT_EQ(loadConfig(o).password_threads, 3u);
  setenv("IMMERSION_TRACKER_PASSWORD_THREADS", "5", 1);
  EXPECT_EQ(loadConfig(o).password_threads, 5u);
  setenv("IMMERSION_TRACKER_PASSWORD_THREADS", "0", 1);
  EXPECT_EQ(errorOf(o),
            "IMMERSION_TRACKER_PASSWORD_THREADS must be a whole number from 1 to 64 (got \"0\")");
}

TEST_F(ConfigTest, MistakesNameTheSetting) {
  ConfigOverrides o;
  o.listen = "8080";
  EXPECT_NE(errorOf(o).find("--listen must be HOST:PORT"), std::string::npos) << errorOf(o);
  o.listen = "127.0.0.1:99999";
  EXPECT_NE(errorOf(o).find("--listen port"), std::string::npos) << errorOf(o);
  o.listen = "example.com:80";
  EXPECT_NE(errorOf(o).find("is not an IP address"), std::string::npos) << errorOf(o);

  ConfigOverrides f;
  f.config_file = writeFile("colour = \"blue\"\n");
  EXPECT_NE(errorOf(f).find("colour is not a known setting"), std::string::npos) << errorOf(f);
  f.config_file = writeFile("io_threads = \"two\"\n");
  EXPECT_NE(errorOf(f).find("io_threads must be a whole number"), std::string::npos);
  f.config_file = writeFile("io_threads = 0\n");
  EXPECT_NE(errorOf(f).find("io_threads must be a whole number from 1"), std::string::npos);
  f.config_file = writeFile("listen = [\n");
  EXPECT_NE(errorOf(f).find("line 1"), std::string::npos) << errorOf(f);
  f.config_file = dir_.path() + "/missing.toml";
  EXPECT_NE(errorOf(f).find("missing.toml"), std::string::npos) << errorOf(f);

  setenv("IMMERSION_TRACKER_IO_THREADS", "lots", 1);
  EXPECT_NE(errorOf({}).find("IMMERSION_TRACKER_IO_THREADS must be a whole number"),
            std::string::npos);
}

TEST_F(ConfigTest, ProvidersAndTimeZone) {
  Config defaults = loadConfig({});
  EXPECT_EQ(defaults.providers.tvdb_base_url, "https://api4.thetvdb.com");
  EXPECT_EQ(defaults.providers.tmdb_base_url, "https://api.themoviedb.org");
  EXPECT_TRUE(defaults.providers.tmdb_read_access_token.empty());
  EXPECT_EQ(defaults.providers.spotify_market, "US");
  EXPECT_TRUE(defaults.providers.youtube_api_key.empty());
  EXPECT_FALSE(defaults.time_zone.empty());  // the machine's

  std::string file = writeFile(
      "tvdb_api_key = \"k1\"\nspotify_client_id = \"id\"\nspotify_market = \"JP\"\n"
      "time_zone = \"Asia/Tokyo\"\nyoutube_base_url = \"http://127.0.0.1:9/\"\n"
      "tmdb_base_url = \"http://127.0.0.1:7/\"\n");
  setenv("IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN", "eyJhbGciOiJIUzI1NiJ9.tmdb", 1);
  setenv("IMMERSION_TRACKER_TVDB_BASE_URL", "http://127.0.0.1:8/", 1);
  setenv("IMMERSION_TRACKER_YOUTUBE_API_KEY", "yk", 1);
  ConfigOverrides o;
  o.config_file = file;
  Config c = loadConfig(o);
  EXPECT_EQ(c.providers.tvdb_api_key, "k1");
  EXPECT_EQ(c.providers.tvdb_base_url, "http://127.0.0.1:8");  // trailing slash dropped
  EXPECT_EQ(c.providers.youtube_base_url, "http://127.0.0.1:9");
  EXPECT_EQ(c.providers.youtube_api_key, "yk");
  EXPECT_EQ(c.providers.tmdb_base_url, "http://127.0.0.1:7");
  EXPECT_EQ(c.providers.tmdb_read_access_token, "eyJhbGciOiJIUzI1NiJ9.tmdb");
  EXPECT_EQ(c.providers.spotify_client_id, "id");
  EXPECT_EQ(c.providers.spotify_market, "JP");
  EXPECT_EQ(c.time_zone, "Asia/Tokyo");
  o.time_zone = "UTC";
  EXPECT_EQ(loadConfig(o).time_zone, "UTC");

  setenv("IMMERSION_TRACKER_TIME_ZONE", "Atlantis/Capital", 1);
  EXPECT_EQ(errorOf({}),
            "time_zone: \"Atlantis/Capital\" is not a time zone of the tz database (e.g. "
            "Pacific/Auckland, UTC)");
  unsetenv("IMMERSION_TRACKER_TIME_ZONE");
  setenv("IMMERSION_TRACKER_TVDB_BASE_URL", "api4.thetvdb.com", 1);
  EXPECT_NE(errorOf({}).find("tvdb_base_url must be an http:// or https:// origin"),
            std::string::npos);
  // Caught by fuzz/config_fuzz (its invariants): "https://" was accepted as "https:".
  for (const char* not_an_origin :
       {"https://", "http:///", "https:///x", "http://:8080", "HTTPS://", "ftp://example.com"}) {
    setenv("IMMERSION_TRACKER_TVDB_BASE_URL", not_an_origin, 1);
    EXPECT_NE(errorOf({}).find("tvdb_base_url must be an http:// or https:// origin"),
              std::string::npos)
        << not_an_origin;
  }
  ConfigOverrides market;
  market.config_file = writeFile("spotify_market = \"usa\"\n");
  unsetenv("IMMERSION_TRACKER_TVDB_BASE_URL");
  EXPECT_NE(errorOf(market).find("spotify_market must be a two-letter country code"),
            std::string::npos);
}

}  // namespace
}  // namespace it::app
