#pragma once

// Helpers of the store tests (the shared contract suite and each store's own tests): waiting
// for a store's asynchronous writes, and summing what progressInput() returns.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "aws/aws_config.hpp"
#include "domain/progress.hpp"
#include "domain/time_zone.hpp"
#include "storage/store.hpp"

namespace it::test {

// 2023-11-14T22:13:20Z.
constexpr std::int64_t kT0 = 1700000000;

inline storage::TvProgress progress(const std::string& user, const std::string& show, int season,
                                    int episode) {
  return storage::TvProgress{user, show, season, episode, "2025-01-15T10:30:00.123456"};
}

// A write's failure as the exception the store would have thrown (StoreError for a storage
// failure), or nullptr when it succeeded.
template <class T>
std::exception_ptr errorOf(const Result<T>& result) {
  if (result) return nullptr;
  const Failure& failure = [&]() -> const Failure& {
    if constexpr (std::is_void_v<T>) {
      return *result.failure;
    } else {
      return result.failure;
    }
  }();
  if (failure.kind == FailureKind::kStorage) {
    return std::make_exception_ptr(storage::StoreError(failure.message));
  }
  return std::make_exception_ptr(FailureError(failure));
}

// Runs a write that reports to the WriteDone it is given and waits for it: its failure, or
// nullptr.
inline std::exception_ptr writeAndWait(const std::function<void(storage::WriteDone)>& write) {
  std::promise<std::exception_ptr> done;
  write([&](Result<void> r) { done.set_value(errorOf(r)); });
  return done.get_future().get();
}

// putTvProgress, waiting until it is durable; fails the test when it failed.
void putAndWait(auto& store, storage::TvProgress p) {
  ASSERT_EQ(writeAndWait([&](storage::WriteDone done) { store.putTvProgress(std::move(p), done); }),
            nullptr);
}

// Runs a write that counts (it reports to the CountDone it is given) and waits for it: its
// count, or its failure rethrown.
inline std::int64_t countAndWait(const std::function<void(storage::CountDone)>& write) {
  std::promise<std::int64_t> done;
  write([&](Result<std::int64_t> r) {
    if (r) {
      done.set_value(*r);
    } else {
      done.set_exception(errorOf(r));
    }
  });
  return done.get_future().get();
}

std::int64_t recordEpisodes(auto& store, const std::string& user,
                            std::vector<storage::EpisodeRef> episodes,
                            const storage::SyncStamp& stamp) {
  return countAndWait([&](storage::CountDone done) {
    store.recordEpisodes(user, std::move(episodes), stamp, done);
  });
}

std::int64_t recordMovies(auto& store, const std::string& user,
                          std::vector<storage::MovieRecord> movies,
                          const storage::SyncStamp& stamp) {
  return countAndWait(
      [&](storage::CountDone done) { store.recordMovies(user, std::move(movies), stamp, done); });
}

std::int64_t recordVideos(auto& store, const std::string& user,
                          std::vector<domain::YoutubeVideo> videos,
                          const storage::SyncStamp& stamp) {
  return countAndWait([&](storage::CountDone done) {
    store.recordYoutubeVideos(user, std::move(videos), stamp, done);
  });
}

std::int64_t recordPodcastEpisodes(auto& store, const std::string& user,
                                   std::vector<domain::SpotifyEpisode> episodes,
                                   const storage::SyncStamp& stamp) {
  return countAndWait([&](storage::CountDone done) {
    store.recordSpotifyEpisodes(user, std::move(episodes), stamp, done);
  });
}

std::int64_t tagShow(auto& store, const std::string& user, const std::string& folder,
                     domain::TvdbSeries series) {
  return countAndWait(
      [&](storage::CountDone done) { store.updateShow(user, folder, std::move(series), done); });
}

void putMetadata(auto& store, std::vector<storage::MetadataEntry> entries) {
  ASSERT_EQ(writeAndWait([&](storage::WriteDone done) {
              store.putCachedMetadata(std::move(entries), done);
            }),
            nullptr);
}

inline storage::Calendar calendar(const char* zone) {
  return storage::Calendar{zone, domain::findTimeZone(zone)};
}
inline storage::Calendar utc() { return calendar("UTC"); }
inline storage::SyncStamp stampAt(std::int64_t timestamp) {
  return storage::SyncStamp{timestamp, utc()};
}
inline domain::LocalDay utcDay(std::int64_t timestamp) {
  return domain::localDayOf(timestamp, *domain::findTimeZone("UTC"));
}

// AWS settings that send every service to moto_server at `url`, with dummy credentials.
inline net::AwsConfig motoAwsConfig(const std::string& url) {
  net::AwsConfig config;
  config.region = "us-east-1";
  config.credentials = {"test", "test", ""};
  config.dynamodb_endpoint = url;
  config.secretsmanager_endpoint = url;
  config.monitoring_endpoint = url;
  return config;
}

struct Sum {
  std::int64_t items = 0;
  std::int64_t seconds = 0;
};

// The items and seconds of one kind in `entries` (DailyTotal or RecentItem).
template <class Entries>
Sum sumOf(const Entries& entries, domain::ItemKind kind) {
  Sum sum;
  for (const auto& e : entries) {
    if (e.kind != kind) continue;
    sum.items += e.items;
    sum.seconds += e.seconds;
  }
  return sum;
}

inline Sum dailySum(const domain::ProgressInput& in, domain::ItemKind kind) {
  return sumOf(in.daily, kind);
}
// The recent items of one kind summed: a store may list them one by one or one per sync.
inline Sum recentSum(const domain::ProgressInput& in, domain::ItemKind kind) {
  return sumOf(in.recent, kind);
}

inline std::map<std::string, std::int64_t> groupsOf(const domain::ProgressInput& in,
                                                    domain::ItemKind kind) {
  std::map<std::string, std::int64_t> groups;
  for (const auto& g : in.groups) {
    if (g.kind == kind) groups[g.group] += g.items;
  }
  return groups;
}

using Day = std::tuple<domain::LocalDay, std::int64_t, std::int64_t>;  // day, items, seconds

// (day, items, seconds) of one kind, in all languages, sorted; days that come to nothing (a
// store may keep rows emptied by a change of language) left out.
inline std::vector<Day> dailyOf(const domain::ProgressInput& in, domain::ItemKind kind) {
  std::map<domain::LocalDay, Sum> sums;
  for (const auto& d : in.daily) {
    if (d.kind != kind) continue;
    sums[d.day].items += d.items;
    sums[d.day].seconds += d.seconds;
  }
  std::vector<Day> days;
  for (const auto& [day, sum] : sums) {
    if (sum.items != 0 || sum.seconds != 0) days.emplace_back(day, sum.items, sum.seconds);
  }
  return days;
}

// Items and seconds of one kind per language ("" unknown) over all days; languages that come
// to nothing left out.
inline std::map<std::string, std::pair<std::int64_t, std::int64_t>> languagesOf(
    const domain::ProgressInput& in, domain::ItemKind kind) {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> languages;
  for (const auto& d : in.daily) {
    if (d.kind != kind) continue;
    auto& [items, seconds] = languages[d.language.value_or("")];
    items += d.items;
    seconds += d.seconds;
  }
  std::erase_if(languages,
                [](const auto& l) { return l.second == std::pair<std::int64_t, std::int64_t>{}; });
  return languages;
}

}  // namespace it::test
