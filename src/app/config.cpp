#include "app/config.hpp"

#include <toml++/toml.h>

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "domain/time_zone.hpp"
#include "util/env.hpp"

namespace it::app {
namespace {

std::size_t parseCount(const std::string& text, const std::string& setting, std::size_t min,
                       std::size_t max) {
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    throw ConfigError(setting + " must be a whole number from " + std::to_string(min) + " to " +
                      std::to_string(max) + " (got \"" + text + "\")");
  }
  return value;
}

// A whole-number setting: where it goes, and its bounds.
struct CountSetting {
  const char* key;       // in the TOML file
  const char* env_name;  // in the environment
  void (*store)(Config&, std::size_t);
  std::size_t min;
  std::size_t max;
};

template <std::size_t Config::*field>
void storeIn(Config& c, std::size_t value) {
  c.*field = value;
}

constexpr CountSetting kCounts[] = {
    {"io_threads", "IMMERSION_TRACKER_IO_THREADS", storeIn<&Config::io_threads>, 1, 64},
    {"worker_threads", "IMMERSION_TRACKER_WORKER_THREADS", storeIn<&Config::worker_threads>, 1,
     256},
    {"provider_threads", "IMMERSION_TRACKER_PROVIDER_THREADS", storeIn<&Config::provider_threads>,
     1, 256},
    {"password_threads", "IMMERSION_TRACKER_PASSWORD_THREADS", storeIn<&Config::password_threads>,
     1, 64},
    {"password_queue", "IMMERSION_TRACKER_PASSWORD_QUEUE", storeIn<&Config::password_queue>, 1,
     100'000},
    {"max_connections", "IMMERSION_TRACKER_MAX_CONNECTIONS", storeIn<&Config::max_connections>, 1,
     1'000'000},
    {"max_connections_per_client", "IMMERSION_TRACKER_MAX_CONNECTIONS_PER_CLIENT",
     storeIn<&Config::max_connections_per_client>, 1, 1'000'000},
    {"max_header_bytes", "IMMERSION_TRACKER_MAX_HEADER_BYTES", storeIn<&Config::max_header_bytes>,
     1024, 1024 * 1024},
    {"max_body_bytes", "IMMERSION_TRACKER_MAX_BODY_BYTES", storeIn<&Config::max_body_bytes>, 1024,
     1024 * 1024 * 1024},
    {"max_import_bytes", "IMMERSION_TRACKER_MAX_IMPORT_BYTES", storeIn<&Config::max_import_bytes>,
     1024, 1024 * 1024 * 1024},
    {"max_body_bytes_in_flight", "IMMERSION_TRACKER_MAX_BODY_BYTES_IN_FLIGHT",
     storeIn<&Config::max_body_bytes_in_flight>, 1024, std::size_t{64} * 1024 * 1024 * 1024},
    {"header_timeout_seconds", "IMMERSION_TRACKER_HEADER_TIMEOUT_SECONDS",
     storeIn<&Config::header_timeout_seconds>, 1, 3600},
    {"io_timeout_seconds", "IMMERSION_TRACKER_IO_TIMEOUT_SECONDS",
     storeIn<&Config::io_timeout_seconds>, 1, 3600},
    {"provider_budget_seconds", "IMMERSION_TRACKER_PROVIDER_BUDGET_SECONDS",
     storeIn<&Config::provider_budget_seconds>, 1, 3600},
    {"provider_timeout_seconds", "IMMERSION_TRACKER_PROVIDER_TIMEOUT_SECONDS",
     [](Config& c, std::size_t seconds) {
       c.providers.request_timeout = std::chrono::seconds(seconds);
     },
     1, 300},
};

// Text settings: the providers' endpoints and credentials, and the default time zone.
struct TextSetting {
  const char* key;       // in the TOML file
  const char* env_name;  // in the environment (the original's names for the base URLs)
  std::string* (*field)(Config&);
};

constexpr TextSetting kTexts[] = {
    {"store", "IMMERSION_TRACKER_STORE", [](Config& c) { return &c.store; }},
    {"time_zone", "IMMERSION_TRACKER_TIME_ZONE", [](Config& c) { return &c.time_zone; }},
    {"metrics", "IMMERSION_TRACKER_METRICS", [](Config& c) { return &c.metrics; }},
    {"secrets_file", "IMMERSION_TRACKER_SECRETS_FILE", [](Config& c) { return &c.secrets_file; }},
    {"secret_id", "IMMERSION_TRACKER_SECRET_ID", [](Config& c) { return &c.secret_id; }},
    {"metrics_namespace", "IMMERSION_TRACKER_METRICS_NAMESPACE",
     [](Config& c) { return &c.metrics_namespace; }},
    {"tvdb_base_url", "IMMERSION_TRACKER_TVDB_BASE_URL",
     [](Config& c) { return &c.providers.tvdb_base_url; }},
    {"tvdb_api_key", "IMMERSION_TRACKER_TVDB_API_KEY",
     [](Config& c) { return &c.providers.tvdb_api_key; }},
    {"tvdb_pin", "IMMERSION_TRACKER_TVDB_PIN", [](Config& c) { return &c.providers.tvdb_pin; }},
    {"tmdb_base_url", "IMMERSION_TRACKER_TMDB_BASE_URL",
     [](Config& c) { return &c.providers.tmdb_base_url; }},
    {"tmdb_read_access_token", "IMMERSION_TRACKER_TMDB_READ_ACCESS_TOKEN",
     [](Config& c) { return &c.providers.tmdb_read_access_token; }},
    {"youtube_base_url", "IMMERSION_TRACKER_YOUTUBE_BASE_URL",
     [](Config& c) { return &c.providers.youtube_base_url; }},
    {"youtube_api_key", "IMMERSION_TRACKER_YOUTUBE_API_KEY",
     [](Config& c) { return &c.providers.youtube_api_key; }},
    {"spotify_api_base_url", "IMMERSION_TRACKER_SPOTIFY_API_BASE_URL",
     [](Config& c) { return &c.providers.spotify_api_base_url; }},
    {"spotify_accounts_base_url", "IMMERSION_TRACKER_SPOTIFY_ACCOUNTS_BASE_URL",
     [](Config& c) { return &c.providers.spotify_accounts_base_url; }},
    {"spotify_client_id", "IMMERSION_TRACKER_SPOTIFY_CLIENT_ID",
     [](Config& c) { return &c.providers.spotify_client_id; }},
    {"spotify_client_secret", "IMMERSION_TRACKER_SPOTIFY_CLIENT_SECRET",
     [](Config& c) { return &c.providers.spotify_client_secret; }},
    {"spotify_market", "IMMERSION_TRACKER_SPOTIFY_MARKET",
     [](Config& c) { return &c.providers.spotify_market; }},
};

// Checks the text settings once every source is applied, and fills in the machine's zone.
void checkTexts(Config& c) {
  auto requireOrigin = [](const std::string& url, const char* name) {
    // A host is required: "https://" would become "https:" below, and "https:///x" names none.
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") ||
        parsed->encoded_host().empty() || url.find_first_of(" ?#") != std::string::npos) {
      throw ConfigError(std::string(name) +
                        " must be an http:// or https:// origin such as https://api4.thetvdb.com "
                        "(got \"" +
                        url + "\")");
    }
  };
  requireOrigin(c.providers.tvdb_base_url, "tvdb_base_url");
  requireOrigin(c.providers.tmdb_base_url, "tmdb_base_url");
  requireOrigin(c.providers.youtube_base_url, "youtube_base_url");
  requireOrigin(c.providers.spotify_api_base_url, "spotify_api_base_url");
  requireOrigin(c.providers.spotify_accounts_base_url, "spotify_accounts_base_url");
  for (auto* url :
       {&c.providers.tvdb_base_url, &c.providers.tmdb_base_url, &c.providers.youtube_base_url,
        &c.providers.spotify_api_base_url, &c.providers.spotify_accounts_base_url}) {
    while (!url->empty() && url->back() == '/') url->pop_back();
  }
  const std::string& market = c.providers.spotify_market;
  if (market.size() != 2 || !std::isupper(static_cast<unsigned char>(market[0])) ||
      !std::isupper(static_cast<unsigned char>(market[1]))) {
    throw ConfigError("spotify_market must be a two-letter country code such as US (got \"" +
                      market + "\")");
  }
  if (c.store != "sqlite" && c.store != "dynamodb") {
    throw ConfigError("store must be sqlite or dynamodb (got \"" + c.store + "\")");
  }
  if (c.metrics != "none" && c.metrics != "cloudwatch-emf" && c.metrics != "cloudwatch") {
    throw ConfigError("metrics must be none, cloudwatch-emf or cloudwatch (got \"" + c.metrics +
                      "\")");
  }
  if (c.metrics_namespace.empty() || c.metrics_namespace.rfind("AWS/", 0) == 0) {
    throw ConfigError("metrics_namespace must be non-empty and must not start with AWS/");
  }
  if (c.time_zone.empty()) c.time_zone = domain::machineTimeZoneName();
  if (domain::findTimeZone(c.time_zone) == nullptr) {
    throw ConfigError("time_zone: \"" + c.time_zone +
                      "\" is not a time zone of the tz database (e.g. Pacific/Auckland, UTC)");
  }
}

// An origin as a browser sends it in Origin: http or https, a host, maybe a port; no path,
// not even "/", as a browser's Origin never has one and the comparison is exact.
void checkCorsOrigins(const Config& c) {
  for (const std::string& origin : c.cors_allowed_origins) {
    auto parsed = boost::urls::parse_absolute_uri(origin);
    if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") ||
        parsed->encoded_host().empty() || parsed->has_userinfo() ||
        !parsed->encoded_path().empty() || parsed->has_query() || parsed->has_fragment()) {
      throw ConfigError("cors_allowed_origins: \"" + origin +
                        "\" is not an origin such as https://tracker.example.com (a scheme, a "
                        "host and maybe a port; no path, not even a final /)");
    }
  }
}

// IMMERSION_TRACKER_CORS_ALLOWED_ORIGINS: origins separated by commas, spaces ignored.
std::vector<std::string> splitOrigins(const std::string& text) {
  std::vector<std::string> origins;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) origins.push_back(std::move(item));
    start = end + 1;
  }
  return origins;
}

// A yes or no in the environment: true/false, yes/no, on/off, 1/0, in any letter case.
bool parseSwitch(std::string text, const std::string& setting) {
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
  if (text == "false" || text == "no" || text == "off" || text == "0") return false;
  throw ConfigError(setting + " must be true or false (got \"" + text + "\")");
}

void setLogLevel(Config& c, const std::string& text, const std::string& setting) {
  if (!telemetry::parseLogLevel(text, c.log_level)) {
    throw ConfigError(setting + " must be one of debug, info, warn, error, off (got \"" + text +
                      "\")");
  }
}

void applyFile(Config& c, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError("config file " + path + ": " + std::string(e.description()) +
                      (where.line > 0 ? " (line " + std::to_string(where.line) + ")" : ""));
  }
  auto setting = [&](std::string_view key) {
    return "config file " + path + ": " + std::string(key);
  };
  for (const auto& [key, node] : table) {
    std::string_view k = key.str();
    // `value`: clang before 16 cannot capture the structured binding `node` itself.
    auto requireString = [&, &value = node]() -> std::string {
      if (auto v = value.value<std::string>(); v && value.is_string()) return *v;
      throw ConfigError(setting(k) + " must be a string");
    };
    if (k == "listen") {
      parseListen(requireString(), setting(k), c.host, c.port);
    } else if (k == "data_dir") {
      c.data_dir = requireString();
    } else if (k == "log_level") {
      setLogLevel(c, requireString(), setting(k));
    } else if (k == "secure_cookies") {
      if (!node.is_boolean()) throw ConfigError(setting(k) + " must be true or false");
      c.secure_cookies = *node.value<bool>();
    } else if (k == "cors_allowed_origins") {
      const toml::array* origins = node.as_array();
      if (origins == nullptr) throw ConfigError(setting(k) + " must be an array of strings");
      c.cors_allowed_origins.clear();
      for (const auto& origin : *origins) {
        if (!origin.is_string()) throw ConfigError(setting(k) + " must be an array of strings");
        c.cors_allowed_origins.push_back(*origin.value<std::string>());
      }
    } else if (const TextSetting* text = [&]() -> const TextSetting* {
                 for (const auto& t : kTexts) {
                   if (k == t.key) return &t;
                 }
                 return nullptr;
               }()) {
      *text->field(c) = requireString();
    } else {
      const CountSetting* found = nullptr;
      for (const auto& s : kCounts) {
        if (k == s.key) found = &s;
      }
      if (found == nullptr) throw ConfigError(setting(k) + " is not a known setting");
      if (!node.is_integer()) throw ConfigError(setting(k) + " must be a whole number");
      found->store(c, parseCount(std::to_string(node.value<std::int64_t>().value_or(-1)),
                                 setting(k), found->min, found->max));
    }
  }
}

}  // namespace

void parseListen(const std::string& text, const std::string& setting, std::string& host,
                 std::uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw ConfigError(setting + " must be HOST:PORT, e.g. 127.0.0.1:8080 (got \"" + text + "\")");
  }
  std::string h = text.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h == "localhost") h = "127.0.0.1";
  boost::system::error_code ec;
  boost::asio::ip::make_address(h, ec);
  if (ec) {
    throw ConfigError(setting + ": \"" + h + "\" is not an IP address (use e.g. 127.0.0.1)");
  }
  host = h;
  port =
      static_cast<std::uint16_t>(parseCount(text.substr(colon + 1), setting + " port", 0, 65535));
}

Config loadConfig(const ConfigOverrides& flags) {
  Config c;
  std::optional<std::string> file =
      flags.config_file ? flags.config_file : envVar("IMMERSION_TRACKER_CONFIG");
  if (file) {
    applyFile(c, *file);
    c.config_file = *file;
  }

  if (auto v = envVar("IMMERSION_TRACKER_LISTEN"))
    parseListen(*v, "IMMERSION_TRACKER_LISTEN", c.host, c.port);
  if (auto v = envVar("IMMERSION_TRACKER_DATA_DIR")) c.data_dir = *v;
  if (auto v = envVar("IMMERSION_TRACKER_LOG_LEVEL"))
    setLogLevel(c, *v, "IMMERSION_TRACKER_LOG_LEVEL");
  for (const auto& s : kCounts) {
    if (auto v = envVar(s.env_name)) s.store(c, parseCount(*v, s.env_name, s.min, s.max));
  }
  for (const auto& t : kTexts) {
    if (auto v = envVar(t.env_name)) *t.field(c) = *v;
  }
  if (auto v = envVar("IMMERSION_TRACKER_CORS_ALLOWED_ORIGINS")) {
    c.cors_allowed_origins = splitOrigins(*v);
  }
  if (auto v = envVar("IMMERSION_TRACKER_SECURE_COOKIES")) {
    c.secure_cookies = parseSwitch(*v, "IMMERSION_TRACKER_SECURE_COOKIES");
  }

  if (flags.listen) parseListen(*flags.listen, "--listen", c.host, c.port);
  if (flags.data_dir) c.data_dir = *flags.data_dir;
  if (flags.store) c.store = *flags.store;
  if (flags.log_level) setLogLevel(c, *flags.log_level, "--log-level");
  if (flags.time_zone) c.time_zone = *flags.time_zone;
  if (flags.metrics) c.metrics = *flags.metrics;
  if (flags.secrets_file) c.secrets_file = *flags.secrets_file;
  if (flags.secret_id) c.secret_id = *flags.secret_id;
  checkTexts(c);
  checkCorsOrigins(c);
  if (c.data_dir.empty()) throw ConfigError("data_dir must not be empty");
  return c;
}

}  // namespace it::app
