#include "telemetry/cloudwatch.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <exception>
#include <iterator>
#include <utility>
#include <vector>

#include "telemetry/log.hpp"
#include "util/retry.hpp"

namespace it::telemetry {

namespace {

namespace json = boost::json;

constexpr std::string_view kPutMetricDataTarget = "GraniteServiceVersion20100801.PutMetricData";
constexpr std::string_view kJsonContentType = "application/x-amz-json-1.0";
constexpr std::string_view kSigningName = "monitoring";
constexpr std::size_t kMetricsPerSample = 3;  // RequestCount, ResponseTime, Success/ErrorCount
constexpr std::size_t kMaxMetricsPerCall = 1000;
constexpr std::size_t kMaxDimensionValue = 1024;
// How long the destructor waits for the last flush before giving up on what is left.
constexpr std::chrono::seconds kShutdownBound{5};
constexpr std::chrono::milliseconds kRetryInitial{100};
constexpr std::chrono::milliseconds kRetryMax{500};

bool isError(int status) { return status >= 400; }

std::string_view errorType(int status) { return status >= 500 ? "ServerError" : "ClientError"; }

// CloudWatch rejects empty dimension values and values over 1024 characters.
std::string dimensionValue(std::string_view value) {
  if (value.empty()) return "unknown";
  return std::string(value.substr(0, kMaxDimensionValue));
}

// NaN and infinities are rejected by PutMetricData and are not numbers in JSON.
double finiteNonNegative(double value) { return std::isfinite(value) && value > 0 ? value : 0.0; }

std::int64_t timestampMsOf(const RequestSample& sample) {
  if (sample.timestamp_ms > 0) return sample.timestamp_ms;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view outcomeMetric(int status) {
  return isError(status) ? "ErrorCount" : "SuccessCount";
}

json::array dimensionsOf(const RequestSample& sample) {
  json::array dimensions{
      json::object{{"Name", "Endpoint"}, {"Value", dimensionValue(sample.endpoint)}},
      json::object{{"Name", "Method"}, {"Value", dimensionValue(sample.method)}},
      json::object{{"Name", "StatusCode"}, {"Value", std::to_string(sample.status)}}};
  if (isError(sample.status)) {
    dimensions.push_back(json::object{{"Name", "ErrorType"}, {"Value", errorType(sample.status)}});
  }
  return dimensions;
}

void appendMetricData(const RequestSample& sample, json::array& out) {
  const json::array dimensions = dimensionsOf(sample);
  const std::int64_t timestamp_s = timestampMsOf(sample) / 1000;
  auto datum = [&](std::string_view name, double value, std::string_view unit) {
    out.push_back(json::object{{"MetricName", name},
                               {"Dimensions", dimensions},
                               {"Timestamp", timestamp_s},
                               {"Value", value},
                               {"Unit", unit},
                               {"StorageResolution", 60}});
  };
  datum("RequestCount", 1, "Count");
  datum("ResponseTime", finiteNonNegative(sample.duration_ms), "Milliseconds");
  datum(outcomeMetric(sample.status), 1, "Count");
}

// "code: message" of an AWS JSON error answer, or what is known of a failed exchange.
std::string describeFailure(const net::AwsJsonTransport::Answer& answer) {
  if (!answer.transport_ok) return "TransportError: " + answer.transport_error;
  std::string code = "HTTP " + std::to_string(answer.status);
  std::string message;
  json::error_code ec;
  json::value body = json::parse(answer.body, ec);
  if (!ec && body.is_object()) {
    const json::object& error = body.get_object();
    if (const auto* t = error.if_contains("__type"); t != nullptr && t->is_string()) {
      std::string_view type = t->get_string();
      code = std::string(type.substr(type.rfind('#') + 1));
    }
    for (const char* key : {"message", "Message"}) {
      if (const auto* m = error.if_contains(key); m != nullptr && m->is_string()) {
        message = std::string(m->get_string());
      }
    }
  }
  return message.empty() ? code : code + ": " + message;
}

// Worth one more try: no answer, throttling or a server-side failure.
bool retryable(const net::AwsJsonTransport::Answer& answer) {
  if (!answer.transport_ok || answer.status >= 500 || answer.status == 429) return true;
  return answer.body.find("Throttling") != std::string::npos;
}

}  // namespace

std::string emfLine(const RequestSample& sample, std::string_view metric_namespace) {
  const bool error = isError(sample.status);
  json::array dimension_set{"Endpoint", "Method", "StatusCode"};
  if (error) dimension_set.push_back("ErrorType");
  json::object directive{
      {"Namespace", metric_namespace},
      {"Dimensions", json::array{dimension_set}},
      {"Metrics",
       json::array{json::object{{"Name", "RequestCount"}, {"Unit", "Count"}},
                   json::object{{"Name", "ResponseTime"}, {"Unit", "Milliseconds"}},
                   json::object{{"Name", outcomeMetric(sample.status)}, {"Unit", "Count"}}}}};
  json::object line{
      {"_aws", json::object{{"Timestamp", timestampMsOf(sample)},
                            {"CloudWatchMetrics", json::array{std::move(directive)}}}},
      {"Endpoint", dimensionValue(sample.endpoint)},
      {"Method", dimensionValue(sample.method)},
      {"StatusCode", std::to_string(sample.status)}};
  if (error) line["ErrorType"] = errorType(sample.status);
  line["RequestCount"] = 1;
  line["ResponseTime"] = finiteNonNegative(sample.duration_ms);
  line[outcomeMetric(sample.status)] = 1;
  return json::serialize(line);
}

CloudWatchPublisher::CloudWatchPublisher(net::AwsConfig config, net::AwsJsonTransport& transport,
                                         Options options)
    : config_(std::move(config)), transport_(transport), options_(std::move(options)) {
  // A sample's three data go in one call, so a call holds at least one sample.
  options_.max_metrics_per_call =
      std::clamp(options_.max_metrics_per_call, kMetricsPerSample, kMaxMetricsPerCall);
  if (options_.flush_interval <= std::chrono::milliseconds::zero()) {
    options_.flush_interval = std::chrono::milliseconds{1000};
  }
  thread_ = std::thread([this] { run(); });
}

CloudWatchPublisher::~CloudWatchPublisher() {
  {
    std::unique_lock lock(mutex_);
    flush_requested_ = true;
    wake_.notify_one();
    idle_.wait_for(lock, kShutdownBound, [this] { return queue_.empty() && !sending_; });
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void CloudWatchPublisher::record(RequestSample sample) {
  const std::size_t samples_per_call = options_.max_metrics_per_call / kMetricsPerSample;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= options_.max_queue) {
      dropped_.fetch_add(1);
      return;
    }
    queue_.push_back(std::move(sample));
    wake = queue_.size() == samples_per_call;
  }
  if (wake) wake_.notify_one();
}

void CloudWatchPublisher::flush() {
  std::unique_lock lock(mutex_);
  if (queue_.empty() && !sending_) return;
  flush_requested_ = true;
  wake_.notify_one();
  idle_.wait(lock, [this] { return stopping_ || (queue_.empty() && !sending_); });
}

void CloudWatchPublisher::run() {
  const std::size_t samples_per_call = options_.max_metrics_per_call / kMetricsPerSample;
  std::uint64_t dropped_reported = 0;
  std::unique_lock lock(mutex_);
  while (true) {
    const bool woken = wake_.wait_for(lock, options_.flush_interval, [&] {
      return stopping_ || flush_requested_ || queue_.size() >= samples_per_call;
    });
    // Woken by a full queue rather than by the interval or flush(): send full calls only and
    // leave the rest to fill up.
    const bool full_calls_only = woken && !flush_requested_;
    if (stopping_) {
      // The destructor's last flush ran out of time: give up on the rest.
      if (!queue_.empty()) {
        failed_.fetch_add(queue_.size());
        logWarn("CloudWatch metrics abandoned at shutdown",
                {{"samples", std::to_string(queue_.size())}});
        queue_.clear();
      }
      idle_.notify_all();
      return;
    }
    flush_requested_ = false;
    if (const std::uint64_t dropped = dropped_.load(); dropped != dropped_reported) {
      lock.unlock();
      logWarn("CloudWatch metrics dropped: queue full",
              {{"dropped", std::to_string(dropped - dropped_reported)}});
      lock.lock();
      dropped_reported = dropped;
    }
    if (queue_.empty()) {
      idle_.notify_all();
      continue;
    }
    std::size_t take = queue_.size();
    if (full_calls_only) take -= take % samples_per_call;
    if (take == 0) continue;
    std::deque<RequestSample> batch;
    if (take == queue_.size()) {
      batch.swap(queue_);
    } else {
      const auto end = queue_.begin() + static_cast<std::ptrdiff_t>(take);
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
      queue_.erase(queue_.begin(), end);
    }
    sending_ = true;
    lock.unlock();
    send(std::move(batch));
    lock.lock();
    sending_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

void CloudWatchPublisher::send(std::deque<RequestSample> batch) {
  const std::size_t samples_per_call = options_.max_metrics_per_call / kMetricsPerSample;
  while (!batch.empty()) {
    const std::size_t count = std::min(samples_per_call, batch.size());
    json::array data;
    data.reserve(count * kMetricsPerSample);
    for (std::size_t i = 0; i < count; ++i) appendMetricData(batch[i], data);
    batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(count));
    const std::string body = json::serialize(
        json::object{{"Namespace", options_.metric_namespace}, {"MetricData", std::move(data)}});

    std::string failure;
    bool give_up_on_batch = false;
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(fullJitterBackoff(kRetryInitial, kRetryMax, 0));
      net::AwsJsonTransport::Answer answer;
      try {
        answer = transport_.post(config_, config_.monitoring_endpoint, kSigningName,
                                 kPutMetricDataTarget, kJsonContentType, body);
      } catch (const std::exception& e) {
        // A transport reports failures in its Answer; whatever it throws counts as no answer.
        answer.transport_error = e.what();
      }
      if (answer.transport_ok && answer.status >= 200 && answer.status < 300) {
        failure.clear();
        break;
      }
      failure = describeFailure(answer);
      give_up_on_batch = retryable(answer);
      if (!give_up_on_batch) break;  // a rejected request fails the same way again
    }
    if (failure.empty()) {
      sent_.fetch_add(count);
      continue;
    }
    // CloudWatch down or unreachable: do not spend more time on this batch, the next one
    // tries again. A rejected request only loses its own samples.
    const std::size_t lost = count + (give_up_on_batch ? batch.size() : 0);
    failed_.fetch_add(lost);
    logWarn("CloudWatch PutMetricData failed",
            {{"error", failure}, {"samples", std::to_string(lost)}});
    if (give_up_on_batch) return;
  }
}

}  // namespace it::telemetry
