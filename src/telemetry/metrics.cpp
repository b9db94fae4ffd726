#include "telemetry/metrics.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace it::telemetry {
namespace {

std::string labels(const std::string& route, const std::string& method, int status) {
  // Route and method come from the route table and a fixed method list: nothing to escape.
  return "route=\"" + route + "\",method=\"" + method + "\",status=\"" + std::to_string(status) +
         "\"";
}

// Shortest form that reads back as the same bound ("0.0005", not "0.00050000000000000001").
std::string number(double v) {
  char buf[32];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

long residentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * sysconf(_SC_PAGESIZE);
}

}  // namespace

void HttpMetrics::record(std::string_view route, std::string_view method, int status,
                         double seconds) {
  std::size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  // Each thread sticks to one shard, assigned round-robin on first use.
  static std::atomic<std::size_t> next_shard{0};
  thread_local const std::size_t shard_index = next_shard.fetch_add(1) % kShards;
  Shard& shard = shards_[shard_index];
  std::lock_guard lock(shard.mutex);
  auto it = shard.series.find(KeyLess::View(route, method, status));
  if (it == shard.series.end()) {
    it = shard.series.emplace(Key{std::string(route), std::string(method), status}, Series{}).first;
  }
  Series& s = it->second;
  s.count += 1;
  s.sum += seconds;
  if (bucket < kBuckets.size()) s.buckets[bucket] += 1;
}

std::string HttpMetrics::renderPrometheus() const {
  SeriesMap snapshot;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [key, series] : shard.series) {
      Series& merged = snapshot[key];
      merged.count += series.count;
      merged.sum += series.sum;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) merged.buckets[i] += series.buckets[i];
    }
  }
  std::string out;
  out +=
      "# HELP http_requests_total Requests answered, by route, method and status.\n"
      "# TYPE http_requests_total counter\n";
  for (const auto& [k, s] : snapshot) {
    out += "http_requests_total{" + labels(std::get<0>(k), std::get<1>(k), std::get<2>(k)) + "} " +
           std::to_string(s.count) + "\n";
  }
  out +=
      "# HELP http_request_errors_total Requests answered with a 4xx or 5xx status.\n"
      "# TYPE http_request_errors_total counter\n";
  for (const auto& [k, s] : snapshot) {
    if (std::get<2>(k) < 400) continue;
    out += "http_request_errors_total{" + labels(std::get<0>(k), std::get<1>(k), std::get<2>(k)) +
           "} " + std::to_string(s.count) + "\n";
  }
  out +=
      "# HELP http_request_duration_seconds Time from routing a request to its answer.\n"
      "# TYPE http_request_duration_seconds histogram\n";
  for (const auto& [k, s] : snapshot) {
    std::string l = labels(std::get<0>(k), std::get<1>(k), std::get<2>(k));
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s.buckets[i];
      out += "http_request_duration_seconds_bucket{" + l + ",le=\"" + number(kBuckets[i]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " +
           std::to_string(s.count) + "\n";
    out += "http_request_duration_seconds_sum{" + l + "} " + number(s.sum) + "\n";
    out += "http_request_duration_seconds_count{" + l + "} " + std::to_string(s.count) + "\n";
  }
  out +=
      "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
      "# TYPE process_resident_memory_bytes gauge\n"
      "process_resident_memory_bytes " +
      std::to_string(residentBytes()) + "\n";
  return out;
}

}  // namespace it::telemetry
