#include "storage/dynamodb/keys.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace it::storage::dynamodb {

using domain::ItemKind;

const char* kindName(ItemKind kind) {
  switch (kind) {
    case ItemKind::kEpisode:
      return "EPISODE";
    case ItemKind::kMovie:
      return "MOVIE";
    case ItemKind::kYoutubeVideo:
      return "YOUTUBEVIDEO";
    case ItemKind::kSpotifyEpisode:
      return "SPOTIFYEPISODE";
  }
  return "EPISODE";
}

std::optional<ItemKind> kindNamed(std::string_view name) {
  for (ItemKind k :
       {ItemKind::kEpisode, ItemKind::kMovie, ItemKind::kYoutubeVideo, ItemKind::kSpotifyEpisode}) {
    if (name == kindName(k)) return k;
  }
  return std::nullopt;
}

std::string paddedTime(std::int64_t timestamp) {
  char text[24];
  std::snprintf(text, sizeof text, "%012lld",
                static_cast<long long>(std::max<std::int64_t>(timestamp, 0)));
  return text;
}

std::string daySk(const domain::DayKey& key) {
  std::string sk = "DAY#" + std::to_string(key.day) + "#" + kindName(key.kind);
  if (!key.language.empty()) sk += "#" + key.language;
  return sk;
}

std::optional<domain::DayKey> dayKeyOf(std::string_view sk) {
  if (!startsWith(sk, "DAY#")) return std::nullopt;
  sk.remove_prefix(4);
  auto hash = sk.find('#');
  if (hash == std::string_view::npos) return std::nullopt;
  domain::DayKey key;
  auto [end, error] = std::from_chars(sk.data(), sk.data() + hash, key.day);
  if (error != std::errc() || end != sk.data() + hash) return std::nullopt;
  sk.remove_prefix(hash + 1);
  hash = sk.find('#');
  auto kind = kindNamed(sk.substr(0, hash));
  if (!kind) return std::nullopt;
  key.kind = *kind;
  if (hash != std::string_view::npos) key.language = std::string(sk.substr(hash + 1));
  return key;
}

std::string languageChoiceSk(ItemKind kind, std::string_view group) {
  return std::string(kindName(kind)) + "#" + std::string(group);
}

std::string groupSk(ItemKind kind, std::string_view group) {
  return std::string("GROUP#") + kindName(kind) + "#" + std::string(group);
}

std::string stampSk(std::int64_t timestamp, ItemKind kind) {
  return "STAMP#" + paddedTime(timestamp) + "#" + kindName(kind);
}

std::string movieNameSk(const std::optional<std::string>& name, std::string_view file) {
  return (name ? "MOVIE#N#" + *name : std::string("MOVIE#~")) + "#" + std::string(file);
}

std::string episodeSk(std::string_view folder, std::string_view file) {
  return "EPISODE#" + std::string(folder) + "#" + std::string(file);
}

const ItemPrefixes& prefixesOf(ItemKind kind) {
  static constexpr ItemPrefixes kPrefixes[] = {
      {ItemKind::kEpisode, "EPISODE#", "SHOW#"},
      {ItemKind::kMovie, "MOVIE#", nullptr},
      {ItemKind::kYoutubeVideo, "YOUTUBEVIDEO#", "YOUTUBECHANNEL#"},
      {ItemKind::kSpotifyEpisode, "SPOTIFYEPISODE#", "SPOTIFYSHOW#"},
  };
  for (const auto& p : kPrefixes) {
    if (p.kind == kind) return p;
  }
  return kPrefixes[0];
}

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string folderOf(const json::object& item) {
  if (auto folder = stringOf(item, "folder_name")) return *folder;
  std::string sk = stringOf(item, "sk").value_or("");
  std::string_view rest = std::string_view(sk).substr(std::string_view("EPISODE#").size());
  auto hash = rest.rfind('#');
  return std::string(hash == std::string_view::npos ? rest : rest.substr(0, hash));
}

}  // namespace it::storage::dynamodb
