#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace it::test {

// Environment variables set or unset for the length of a test: the first change of each name
// remembers its value, and destruction puts every one back.
class ScopedEnv {
 public:
  ScopedEnv() = default;
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    for (auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

  void set(const std::string& name, const std::string& value) {
    save(name);
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  void unset(const std::string& name) {
    save(name);
    ::unsetenv(name.c_str());
  }

  // A moto_server at `endpoint` as the only AWS: test credentials, us-east-1, `home` as HOME
  // (so no ~/.aws of the machine), and none of the other AWS or immersion-tracker settings
  // the environment might carry.
  void onlyMoto(const std::string& endpoint, const std::string& home) {
    set("HOME", home);
    set("AWS_ENDPOINT_URL", endpoint);
    set("AWS_ACCESS_KEY_ID", "test");
    set("AWS_SECRET_ACCESS_KEY", "test");
    set("AWS_REGION", "us-east-1");
    for (const char* name :
         {"AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_DYNAMODB",
          "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "IMMERSION_TRACKER_TABLE",
          "DYNAMODB_TABLE", "IMMERSION_TRACKER_CONFIG", "IMMERSION_TRACKER_STORE",
          "IMMERSION_TRACKER_TIME_ZONE", "IMMERSION_TRACKER_SECRET_ID",
          "IMMERSION_TRACKER_SECRETS_FILE", "IMMERSION_TRACKER_METRICS"}) {
      unset(name);
    }
  }

 private:
  void save(const std::string& name) {
    for (const auto& [saved, value] : saved_) {
      if (saved == name) return;
    }
    const char* v = std::getenv(name.c_str());
    saved_.emplace_back(name, v != nullptr ? std::optional<std::string>(v) : std::nullopt);
  }

  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace it::test
