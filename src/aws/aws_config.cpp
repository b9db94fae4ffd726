#include "aws/aws_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <string_view>

extern char** environ;

namespace it::aws {
namespace {

using Env = std::map<std::string, std::string>;
// Sections of an INI file by name, each a map of key to value.
using Ini = std::map<std::string, std::map<std::string, std::string>>;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// An environment variable; empty values count as unset, as in the AWS SDKs.
std::optional<std::string> get(const Env& env, const std::string& name) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// The AWS shared-file dialect: [section], key = value, # and ; comments. Indented lines
// continue a nested block ("s3 =\n  max_concurrent_requests = 4") and are skipped. A missing
// or unreadable file reads as empty, as the SDKs treat it.
Ini readIni(const std::string& path) {
  Ini ini;
  std::ifstream in(path);
  if (!in) return ini;
  std::string line;
  std::string section;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) continue;
    std::string_view text = trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    if (text.front() == '[') {
      auto close = text.find(']');
      if (close == std::string_view::npos) {
        in_section = false;
        continue;
      }
      // "[profile  work]" and "[ default ]" name the same sections as the tidy spellings.
      std::string_view inner = trim(text.substr(1, close - 1));
      std::string name;
      bool space = false;
      for (char c : inner) {
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
          space = true;
          continue;
        }
        if (space && !name.empty()) name += ' ';
        space = false;
        name += c;
      }
      section = name;
      in_section = true;
      ini[section];
      continue;
    }
    if (!in_section) continue;
    auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = lower(trim(text.substr(0, eq)));
    std::string value(trim(text.substr(eq + 1)));
    if (!key.empty()) ini[section][key] = value;
  }
  return ini;
}

const std::map<std::string, std::string>* section(const Ini& ini, const std::string& name) {
  auto it = ini.find(name);
  return it == ini.end() ? nullptr : &it->second;
}

// The profile's section of ~/.aws/config: "[default]" (or "[profile default]") for the
// default profile, "[profile name]" for the others.
const std::map<std::string, std::string>* configProfile(const Ini& ini,
                                                        const std::string& profile) {
  if (const auto* s = section(ini, "profile " + profile)) return s;
  if (profile == "default") return section(ini, "default");
  return nullptr;
}

std::optional<std::string> value(const std::map<std::string, std::string>* s,
                                 const std::string& key) {
  if (s == nullptr) return std::nullopt;
  auto it = s->find(key);
  if (it == s->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::optional<std::string> homeFile(const Env& env, const std::string& override_var,
                                    const std::string& name) {
  if (auto path = get(env, override_var)) {
    if (path->starts_with("~/")) {
      if (auto home = get(env, "HOME")) return *home + path->substr(1);
    }
    return path;
  }
  if (auto home = get(env, "HOME")) return *home + "/.aws/" + name;
  return std::nullopt;
}

// A service origin: the service-specific variable, else AWS_ENDPOINT_URL, else the public
// endpoint of the region. No trailing slash, so callers append the path.
std::string endpoint(const Env& env, const std::string& specific_var, const std::string& host,
                     const std::string& region) {
  std::string var = specific_var;
  std::optional<std::string> url = get(env, specific_var);
  if (!url) {
    var = "AWS_ENDPOINT_URL";
    url = get(env, var);
  }
  if (!url) return "https://" + host + "." + region + ".amazonaws.com";
  std::string scheme =
      lower(std::string_view(*url).substr(0, std::min<std::size_t>(8, url->size())));
  bool http = scheme.starts_with("http://") && url->size() > 7;
  bool https = scheme.starts_with("https://") && url->size() > 8;
  if (!http && !https) {
    throw AwsConfigError(var + " must be an http:// or https:// URL, not \"" + *url + "\"");
  }
  while (url->ends_with('/')) url->pop_back();
  return *url;
}

}  // namespace

net::AwsConfig awsConfigFrom(const Env& env) {
  std::string profile = get(env, "AWS_PROFILE").value_or("default");
  Ini config_file;
  if (auto path = homeFile(env, "AWS_CONFIG_FILE", "config")) config_file = readIni(*path);
  const auto* config_section = configProfile(config_file, profile);

  net::AwsConfig config;
  if (auto region = get(env, "AWS_REGION")) {
    config.region = *region;
  } else if (auto default_region = get(env, "AWS_DEFAULT_REGION")) {
    config.region = *default_region;
  } else if (auto file_region = value(config_section, "region")) {
    config.region = *file_region;
  } else {
    throw AwsConfigError("AWS region is not set: set AWS_REGION (or AWS_DEFAULT_REGION)");
  }

  auto env_key = get(env, "AWS_ACCESS_KEY_ID");
  auto env_secret = get(env, "AWS_SECRET_ACCESS_KEY");
  if (env_key && env_secret) {
    config.credentials = {*env_key, *env_secret, get(env, "AWS_SESSION_TOKEN").value_or("")};
  } else {
    Ini credentials_file;
    if (auto path = homeFile(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials")) {
      credentials_file = readIni(*path);
    }
    // The credentials file names sections plainly; the SDKs also accept keys in the config.
    const auto* creds = section(credentials_file, profile);
    const auto* source = creds;
    if (!value(source, "aws_access_key_id") || !value(source, "aws_secret_access_key")) {
      source = config_section;
    }
    auto key = value(source, "aws_access_key_id");
    auto secret = value(source, "aws_secret_access_key");
    if (!key || !secret) {
      throw AwsConfigError(
          "AWS credentials are not set: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
          "configure ~/.aws/credentials");
    }
    config.credentials = {*key, *secret, value(source, "aws_session_token").value_or("")};
  }

  config.dynamodb_endpoint = endpoint(env, "AWS_ENDPOINT_URL_DYNAMODB", "dynamodb", config.region);
  config.secretsmanager_endpoint =
      endpoint(env, "AWS_ENDPOINT_URL_SECRETS_MANAGER", "secretsmanager", config.region);
  config.monitoring_endpoint =
      endpoint(env, "AWS_ENDPOINT_URL_CLOUDWATCH", "monitoring", config.region);
  return config;
}

net::AwsConfig awsConfigFromEnvironment() {
  Env env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return awsConfigFrom(env);
}

}  // namespace it::aws
