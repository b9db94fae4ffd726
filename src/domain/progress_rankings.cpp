#include "domain/progress_rankings.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace it::domain {
namespace {

// The user's show folders by name, built once so that naming the shows costs one hash lookup
// per folder.
class ShowsByFolder {
 public:
  explicit ShowsByFolder(const std::vector<ShowInfo>& shows) {
    shows_.reserve(shows.size());
    for (const ShowInfo& show : shows) {
      // Folder names are unique per user; should a duplicate slip in, the first one wins, as in
      // the original's map of shows by folder.
      shows_.try_emplace(show.folder_name, &show);
    }
  }

  const ShowInfo* find(std::string_view folder) const {
    auto it = shows_.find(folder);
    return it == shows_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string_view, const ShowInfo*> shows_;
};

// Items of `kind` per group (show folder, YouTube channel, Spotify show) over all time.
std::unordered_map<std::string_view, std::int64_t> itemsByGroup(const ProgressInput& input,
                                                                ItemKind kind) {
  std::unordered_map<std::string_view, std::int64_t> items;
  for (const GroupTotal& total : input.groups) {
    if (total.kind == kind) {
      items[total.group] += total.items;
    }
  }
  return items;
}

// Watched episodes per TVDB series, and in folders that have none.
struct EpisodesBySeries {
  struct TvdbGroup {
    std::int64_t episodes = 0;
    std::string_view first_folder;
    std::optional<std::string> name;
    std::optional<std::string> image;
  };
  std::unordered_map<std::int64_t, TvdbGroup> groups;
  std::int64_t untagged_episodes = 0;
};

EpisodesBySeries episodesBySeries(const ProgressInput& input) {
  const ShowsByFolder shows(input.shows);
  EpisodesBySeries result;
  for (const auto& [folder, episodes] : itemsByGroup(input, ItemKind::kEpisode)) {
    if (episodes <= 0) {
      continue;
    }
    const ShowInfo* show = shows.find(folder);
    if (show == nullptr || !show->tvdb_id.has_value()) {
      result.untagged_episodes += episodes;
      continue;
    }
    auto [it, inserted] = result.groups.try_emplace(*show->tvdb_id);
    EpisodesBySeries::TvdbGroup& group = it->second;
    group.episodes += episodes;
    // The original named a group after its first episode in sort-key order, i.e. the folder
    // that sorts first; doing the same keeps the name independent of hash order.
    if (inserted || folder < group.first_folder) {
      group.first_folder = folder;
      group.name = show->tvdb_name;
      group.image = show->tvdb_image;
    }
  }
  return result;
}

struct NamedCount {
  std::optional<std::string> name;
  std::int64_t count = 0;
  std::string id;
  std::optional<std::string> artwork_url;
};

// Items of `kind` counted per group (YouTube channel, Spotify show) and named from `infos`.
// Sorted by count descending, then name ascending with unknown names last (as the original),
// then group id so that equal names still come out in a fixed order.
std::vector<NamedCount> countByGroup(const ProgressInput& input, ItemKind kind,
                                     const std::vector<GroupInfo>& infos) {
  const std::unordered_map<std::string_view, std::int64_t> counts = itemsByGroup(input, kind);
  std::unordered_map<std::string_view, const GroupInfo*> info_by_id;
  info_by_id.reserve(infos.size());
  for (const GroupInfo& info : infos) {
    info_by_id.try_emplace(info.id, &info);
  }

  struct Entry {
    NamedCount named;
    std::string_view id;
  };
  std::vector<Entry> entries;
  entries.reserve(counts.size());
  for (const auto& [id, count] : counts) {
    if (count <= 0) {
      continue;
    }
    Entry entry{{std::nullopt, count, std::string(id), std::nullopt}, id};
    if (auto it = info_by_id.find(id); it != info_by_id.end()) {
      entry.named.name = it->second->name;
      entry.named.artwork_url = it->second->artwork_url;
    }
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.named.count != b.named.count) {
      return a.named.count > b.named.count;
    }
    if (a.named.name.has_value() != b.named.name.has_value()) {
      return a.named.name.has_value();
    }
    if (a.named.name.has_value() && *a.named.name != *b.named.name) {
      return *a.named.name < *b.named.name;
    }
    return a.id < b.id;
  });

  std::vector<NamedCount> result;
  result.reserve(entries.size());
  for (Entry& entry : entries) {
    result.push_back(std::move(entry.named));
  }
  return result;
}

}  // namespace

std::vector<ShowProgress> showProgress(const ProgressInput& input) {
  auto [groups, untagged_episodes] = episodesBySeries(input);
  struct Entry {
    ShowProgress progress;
    bool untagged = false;
    std::int64_t tvdb_id = 0;
  };
  std::vector<Entry> entries;
  entries.reserve(groups.size() + 1);
  if (untagged_episodes > 0) {
    entries.push_back({{std::nullopt, untagged_episodes, std::nullopt, std::nullopt}, true, 0});
  }
  for (auto& [tvdb_id, group] : groups) {
    entries.push_back(
        {{std::move(group.name), group.episodes, std::to_string(tvdb_id), std::move(group.image)},
         false,
         tvdb_id});
  }
  // Episodes descending. Ties: the untagged entry first (where the original's stable sort left
  // it), then name ascending in byte order with unnamed TVDB shows last, then tvdb_id, so the
  // order never depends on hash iteration.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    if (a.progress.episodes_watched != b.progress.episodes_watched) {
      return a.progress.episodes_watched > b.progress.episodes_watched;
    }
    if (a.untagged != b.untagged) {
      return a.untagged;
    }
    const auto& name_a = a.progress.name;
    const auto& name_b = b.progress.name;
    if (name_a.has_value() != name_b.has_value()) {
      return name_a.has_value();
    }
    if (name_a.has_value() && *name_a != *name_b) {
      return *name_a < *name_b;
    }
    return a.tvdb_id < b.tvdb_id;
  });

  std::vector<ShowProgress> result;
  result.reserve(entries.size());
  for (Entry& entry : entries) {
    result.push_back(std::move(entry.progress));
  }
  return result;
}

std::vector<ChannelProgress> channelProgress(const ProgressInput& input) {
  std::vector<ChannelProgress> channels;
  for (NamedCount& channel : countByGroup(input, ItemKind::kYoutubeVideo, input.youtube_channels)) {
    channels.push_back({std::move(channel.name), channel.count, std::move(channel.id),
                        std::move(channel.artwork_url)});
  }
  return channels;
}

std::vector<SpotifyShowProgress> spotifyShowProgress(const ProgressInput& input) {
  std::vector<SpotifyShowProgress> shows;
  for (NamedCount& show : countByGroup(input, ItemKind::kSpotifyEpisode, input.spotify_shows)) {
    shows.push_back(
        {std::move(show.name), show.count, std::move(show.id), std::move(show.artwork_url)});
  }
  return shows;
}

}  // namespace it::domain
