#pragma once

#include <optional>
#include <string>
#include <utility>

namespace it::providers {

// Why a metadata lookup failed. Expected failures are values, not exceptions.
enum class FailureKind {
  kNotConfigured,    // no credentials for this provider; the message names the setting
  kNotFound,         // the provider has no such id (404, or missing from a batch answer)
  kUnavailable,      // transport error, timeout, 5xx or 429 after the retries ran out
  kRejected,         // the provider refuses us: bad credentials, quota exceeded, ...
  kItemRejected,     // another 4xx about this one id ("invalid id", forbidden in the market)
  kInvalidResponse,  // 2xx but not the documented shape (bad JSON, missing fields, id mismatch)
};

struct Failure {
  FailureKind kind = FailureKind::kUnavailable;
  std::string message;  // one sentence for the API's "failed" list, e.g. "TVDB series 42 not found"
};

// A value or the reason there is none.
template <class T>
struct Outcome {
  std::optional<T> value;
  Failure failure;  // meaningful only when !value

  static Outcome success(T v) { return Outcome{std::move(v), {}}; }
  static Outcome fail(FailureKind kind, std::string message) {
    return Outcome{std::nullopt, Failure{kind, std::move(message)}};
  }
  static Outcome fail(Failure f) { return Outcome{std::nullopt, std::move(f)}; }
  explicit operator bool() const { return value.has_value(); }
};

}  // namespace it::providers
