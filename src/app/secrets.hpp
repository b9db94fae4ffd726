#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/config.hpp"
#include "aws/dynamodb_client.hpp"
#include "storage/store.hpp"

namespace it::app {

// The immersion original's secret (one JSON document, in Secrets Manager as
// "immersion_tracker_api" or in a file): its users with plain-text passwords, and the
// providers' credentials.
//   {"users": [{"user": "...", "password": "..."}], "tvdb_api_key": "...",
//    "tmdb_api_read_access_token": "...", "youtube_api_key": "...", "spotify_client_id": "...",
//    "spotify_client_secret": "..."}
struct ServiceSecret {
  std::vector<std::pair<std::string, std::string>> users;  // name, password
  std::string tvdb_api_key;
  std::string tmdb_api_read_access_token;
  std::string youtube_api_key;
  std::string spotify_client_id;
  std::string spotify_client_secret;
};

// Reads the secret's JSON; unknown members are ignored. Throws ConfigError naming `source`
// and the problem (never a password).
ServiceSecret parseServiceSecret(std::string_view json, const std::string& source);

// The secret named by config.secrets_file or config.secret_id (Secrets Manager
// GetSecretValue, AWS settings from the environment); nothing to read when neither is set.
// Throws ConfigError.
std::optional<ServiceSecret> loadServiceSecret(const Config& config);

// Provider credentials from the secret where configuration left them empty.
void applyProviderCredentials(const ServiceSecret& secret, Config& config);

// Imports the secret's users once: adds the missing ones and gives a new hash to those whose
// password differs, then remembers what it imported (in the store, so every process and
// every Lambda cold start knows). A user removed or given a new password with the CLI since
// is left so, until the secret gives that user a new password. (The original re-created its
// secret's users on every start.) Passwords are kept only as Argon2id hashes, and never
// logged. Returns how many users were added or updated. Throws StoreError.
int syncSecretUsers(const ServiceSecret& secret, storage::Store& store);

}  // namespace it::app
