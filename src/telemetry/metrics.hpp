#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace it::telemetry {

// Request counts, errors and a latency histogram per (route, method, status), rendered in
// the Prometheus text exposition format. Hand-written because Debian 12 packages no
// Prometheus client library for C++; the format is small. Thread-safe.
class HttpMetrics {
 public:
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  void record(std::string_view route, std::string_view method, int status, double seconds);
  // The whole exposition, including process metrics (resident memory, start time).
  std::string renderPrometheus() const;

 private:
  struct Series {
    std::uint64_t count = 0;
    double sum = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // non-cumulative
  };
  using Key = std::tuple<std::string, std::string, int>;
  // Orders keys as std::less<Key> does and also compares them with (route, method, status)
  // views, so record() looks keys up without allocating. (std::less<> cannot compare the mixed
  // tuples with clang 14 and libstdc++ 12.)
  struct KeyLess {
    using is_transparent = void;
    using View = std::tuple<std::string_view, std::string_view, int>;
    static View view(const Key& k) { return {std::get<0>(k), std::get<1>(k), std::get<2>(k)}; }
    static const View& view(const View& v) { return v; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return view(a) < view(b);
    }
  };
  using SeriesMap = std::map<Key, Series, KeyLess>;

  // Recording threads spread over shards so they rarely wait for each other's lock;
  // rendering merges them.
  struct alignas(64) Shard {
    std::mutex mutex;
    SeriesMap series;
  };
  static constexpr std::size_t kShards = 8;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace it::telemetry
