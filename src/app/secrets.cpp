#include "app/secrets.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>

#include "auth/passwords.hpp"
#include "domain/names.hpp"
#include "net/aws_json.hpp"
#include "util/json.hpp"
#include "util/time_format.hpp"

namespace it::app {

namespace json = boost::json;

ServiceSecret parseServiceSecret(std::string_view text, const std::string& source) {
  auto parsed = parseJson(text);
  if (!parsed || !parsed->is_object()) {
    throw ConfigError("the secret " + source + " is not a JSON object");
  }
  const json::object& o = parsed->get_object();
  ServiceSecret secret;
  if (const json::value* users = o.if_contains("users"); users != nullptr && !users->is_null()) {
    if (!users->is_array()) throw ConfigError("the secret " + source + ": users must be a list");
    std::size_t index = 0;
    for (const json::value& u : users->get_array()) {
      auto name = u.is_object() ? stringAt(u.get_object(), "user") : std::nullopt;
      auto password = u.is_object() ? stringAt(u.get_object(), "password") : std::nullopt;
      if (!name || !domain::isValidUsername(*name) || !password || password->empty()) {
        throw ConfigError("the secret " + source + ": users[" + std::to_string(index) +
                          "] needs a \"user\" (1-64 letters, digits, '_', '-' or '.') and a "
                          "non-empty \"password\"");
      }
      secret.users.emplace_back(*name, *password);
      ++index;
    }
  }
  secret.tvdb_api_key = stringAt(o, "tvdb_api_key").value_or("");
  secret.tmdb_api_read_access_token = stringAt(o, "tmdb_api_read_access_token").value_or("");
  secret.youtube_api_key = stringAt(o, "youtube_api_key").value_or("");
  secret.spotify_client_id = stringAt(o, "spotify_client_id").value_or("");
  secret.spotify_client_secret = stringAt(o, "spotify_client_secret").value_or("");
  return secret;
}

std::optional<ServiceSecret> loadServiceSecret(const Config& config) {
  if (!config.secrets_file.empty()) {
    std::ifstream in(config.secrets_file, std::ios::binary);
    if (!in) throw ConfigError("secrets_file " + config.secrets_file + " cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    return parseServiceSecret(text.str(), config.secrets_file);
  }
  if (config.secret_id.empty()) return std::nullopt;
  net::AwsConfig aws_config;
  try {
    aws_config = aws::awsConfigFromEnvironment();
  } catch (const aws::AwsConfigError& e) {
    throw ConfigError(std::string("secret_id ") + config.secret_id + ": " + e.what());
  }
  auto transport = net::makeCurlAwsTransport();
  auto answer = transport->post(aws_config, aws_config.secretsmanager_endpoint, "secretsmanager",
                                "secretsmanager.GetSecretValue", "application/x-amz-json-1.1",
                                json::serialize(json::object{{"SecretId", config.secret_id}}));
  if (!answer.transport_ok) {
    throw ConfigError("secret_id " + config.secret_id +
                      ": Secrets Manager cannot be reached: " + answer.transport_error);
  }
  auto body = parseJson(answer.body);
  const json::object* o = body && body->is_object() ? &body->get_object() : nullptr;
  if (answer.status != 200 || o == nullptr) {
    std::string message =
        o != nullptr ? stringAt(*o, "message").value_or(stringAt(*o, "Message").value_or("")) : "";
    throw ConfigError("secret_id " + config.secret_id + ": Secrets Manager answered HTTP " +
                      std::to_string(answer.status) + (message.empty() ? "" : ": " + message));
  }
  auto secret_string = stringAt(*o, "SecretString");
  if (!secret_string) {
    throw ConfigError("secret_id " + config.secret_id + " holds no SecretString");
  }
  return parseServiceSecret(*secret_string, "secret_id " + config.secret_id);
}

void applyProviderCredentials(const ServiceSecret& secret, Config& config) {
  auto fill = [](std::string& setting, const std::string& value) {
    if (setting.empty()) setting = value;
  };
  fill(config.providers.tvdb_api_key, secret.tvdb_api_key);
  fill(config.providers.tmdb_read_access_token, secret.tmdb_api_read_access_token);
  fill(config.providers.youtube_api_key, secret.youtube_api_key);
  fill(config.providers.spotify_client_id, secret.spotify_client_id);
  fill(config.providers.spotify_client_secret, secret.spotify_client_secret);
}

namespace {

// What is remembered of a user imported from the secret: a cache entry of this kind, keyed by
// the user name, whose body is {"password_hash": Argon2id of the password imported}. Kept in
// the store's metadata cache, which every store has and nothing evicts.
constexpr std::string_view kImportedSecretUser = "imported_secret_user";

// Whether the secret's `password` for `name` was imported before (a removal or a new
// password given since then stands).
bool importedBefore(storage::MetadataCache& cache, const std::string& name,
                    const std::string& password) {
  auto entry = cache.cachedMetadata(kImportedSecretUser, name);
  if (!entry) return false;
  auto body = parseJson(entry->body);
  if (!body || !body->is_object()) return false;
  auto hash = stringAt(body->get_object(), "password_hash");
  return hash && auth::verifyPassword(*hash, password);
}

void rememberImport(storage::MetadataCache& cache, const std::string& name,
                    const std::string& password) {
  std::string body =
      boost::json::serialize(boost::json::object{{"password_hash", auth::hashPassword(password)}});
  std::promise<Result<void>> written;
  cache.putCachedMetadata({{std::string(kImportedSecretUser), name, std::move(body),
                            std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count()}},
                          [&written](Result<void> r) { written.set_value(std::move(r)); });
  Result<void> result = written.get_future().get();
  if (!result) throw storage::StoreError(result.failure->message);
}

}  // namespace

int syncSecretUsers(const ServiceSecret& secret, storage::Store& store) {
  int changed = 0;
  std::string now = formatUtcMicros(std::chrono::system_clock::now());
  for (const auto& [name, password] : secret.users) {
    if (importedBefore(store, name, password)) continue;
    auto user = store.findUser(name);
    if (!user) {
      if (store.addUser({name, auth::hashPassword(password), false, now})) ++changed;
    } else if (!auth::verifyPassword(user->password_hash, password)) {
      if (store.setPasswordHash(name, auth::hashPassword(password))) ++changed;
    }
    rememberImport(store, name, password);
  }
  return changed;
}

}  // namespace it::app
