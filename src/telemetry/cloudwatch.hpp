#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "net/aws_json.hpp"

namespace it::telemetry {

// CloudWatch metrics of one answered request, as the original Flask app reported them:
// namespace TVShowTracker/API, metrics RequestCount
// (Count, 1), ResponseTime (Milliseconds) and SuccessCount or ErrorCount (Count, 1),
// dimensions Endpoint, Method, StatusCode (a string) and ErrorType (only on errors). Unlike
// the original, a 4xx or 5xx is an error: ErrorType is "ClientError" or "ServerError".
struct RequestSample {
  std::string endpoint;  // the route, e.g. "/api/show_episode"
  std::string method;
  int status = 0;
  double duration_ms = 0;
  std::int64_t timestamp_ms = 0;  // epoch milliseconds
};

constexpr std::string_view kDefaultNamespace = "TVShowTracker/API";

// The sample as one Embedded Metric Format line (a single JSON object, no newline), for
// CloudWatch Logs to turn into metrics.
std::string emfLine(const RequestSample& sample, std::string_view metric_namespace);

// Sends samples as batched PutMetricData calls (CloudWatch's JSON protocol) from a background
// thread, never on the request path: record() only queues, and when the queue is full (or
// CloudWatch is slow) samples are dropped and counted instead of blocking. Thread-safe.
class CloudWatchPublisher {
 public:
  struct Options {
    std::string metric_namespace = std::string(kDefaultNamespace);
    std::size_t max_queue = 10'000;  // samples waiting; more are dropped
    std::chrono::milliseconds flush_interval{10'000};
    std::size_t max_metrics_per_call = 1000;  // PutMetricData's limit
  };

  CloudWatchPublisher(net::AwsConfig config, net::AwsJsonTransport& transport, Options options);
  // Sends what is queued (one last try), then stops the thread.
  ~CloudWatchPublisher();
  CloudWatchPublisher(const CloudWatchPublisher&) = delete;
  CloudWatchPublisher& operator=(const CloudWatchPublisher&) = delete;

  void record(RequestSample sample);
  // Sends everything queued now and waits for it (tests, shutdown).
  void flush();

  std::uint64_t dropped() const { return dropped_.load(); }  // never queued
  std::uint64_t failed() const { return failed_.load(); }    // queued, but CloudWatch refused
  std::uint64_t sent() const { return sent_.load(); }

 private:
  void run();
  void send(std::deque<RequestSample> batch);

  net::AwsConfig config_;
  net::AwsJsonTransport& transport_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<RequestSample> queue_;
  bool stopping_ = false;
  bool flush_requested_ = false;
  bool sending_ = false;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> sent_{0};
  std::thread thread_;
};

}  // namespace it::telemetry
