// The TOML configuration file (app::loadConfig with --config): each input is written to a
// file in a private temporary directory and loaded from there, with no IMMERSION_TRACKER_*
// variable set.
//
// Invariants: loadConfig answers a Config or throws ConfigError (any other exception escapes
// and is a crash); an accepted Config holds only values its checks allow.

#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "domain/time_zone.hpp"
#include "fuzz_support.hpp"

extern char** environ;

namespace {

std::string& configPath() {
  static std::string path;
  return path;
}

void removeConfigDir() {
  std::string dir = configPath().substr(0, configPath().rfind('/'));
  ::unlink(configPath().c_str());
  ::rmdir(dir.c_str());
}

bool isOrigin(const std::string& url) {
  bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  return http && url.find_first_of(" ?#") == std::string::npos && url.back() != '/';
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::vector<std::string> ours;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    if (entry.rfind("IMMERSION_TRACKER_", 0) == 0) ours.push_back(entry.substr(0, entry.find('=')));
  }
  for (const auto& name : ours) ::unsetenv(name.c_str());

  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                    "/immersion-tracker-config-fuzz-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  configPath() = dir + "/config.toml";
  std::atexit(removeConfigDir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& path = configPath();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  FUZZ_CHECK(f != nullptr);
  FUZZ_CHECK(std::fwrite(data, 1, size, f) == size);
  FUZZ_CHECK(std::fclose(f) == 0);

  it::app::ConfigOverrides flags;
  flags.config_file = path;
  it::app::Config c;
  try {
    c = it::app::loadConfig(flags);
  } catch (const it::app::ConfigError& e) {
    FUZZ_CHECK(std::string_view(e.what()).size() > 0);
    return 0;
  }

  boost::system::error_code ec;
  boost::asio::ip::make_address(c.host, ec);
  FUZZ_CHECK(!ec);
  FUZZ_CHECK(!c.data_dir.empty());
  FUZZ_CHECK(c.store == "sqlite" || c.store == "dynamodb");
  FUZZ_CHECK(c.metrics == "none" || c.metrics == "cloudwatch-emf" || c.metrics == "cloudwatch");
  FUZZ_CHECK(!c.metrics_namespace.empty() && c.metrics_namespace.rfind("AWS/", 0) != 0);
  FUZZ_CHECK(c.io_threads >= 1 && c.io_threads <= 64);
  FUZZ_CHECK(c.worker_threads >= 1 && c.worker_threads <= 256);
  FUZZ_CHECK(c.max_connections >= 1 && c.max_connections <= 1'000'000);
  FUZZ_CHECK(c.max_header_bytes >= 1024 && c.max_header_bytes <= 1024 * 1024);
  FUZZ_CHECK(c.max_body_bytes >= 1024 && c.max_body_bytes <= 1024 * 1024 * 1024);
  FUZZ_CHECK(c.max_import_bytes >= 1024 && c.max_import_bytes <= 1024 * 1024 * 1024);
  FUZZ_CHECK(c.io_timeout_seconds >= 1 && c.io_timeout_seconds <= 3600);
  FUZZ_CHECK(it::domain::findTimeZone(c.time_zone) != nullptr);
  const auto& p = c.providers;
  FUZZ_CHECK(isOrigin(p.tvdb_base_url) && isOrigin(p.youtube_base_url) &&
             isOrigin(p.spotify_api_base_url) && isOrigin(p.spotify_accounts_base_url));
  FUZZ_CHECK(p.spotify_market.size() == 2 &&
             std::isupper(static_cast<unsigned char>(p.spotify_market[0])) &&
             std::isupper(static_cast<unsigned char>(p.spotify_market[1])));
  return 0;
}
