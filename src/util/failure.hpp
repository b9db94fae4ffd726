#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace it {

template <class T>
struct Result;

// The one failure type of the program. Expected failures (bad input, not found, a provider
// down) travel as values (Result); a store that cannot read throws FailureError. Either way
// http::failureResponse is the one place that turns a failure into a status and a body.
enum class FailureKind {
  kInvalidRequest,  // 400: malformed or invalid input; nothing was done
  kForbidden,       // 403: not the caller's to see or change
  kNotFound,        // 404: no such thing (a provider: no such id)
  kUnprocessable,   // 422: well-formed, but nothing could be done with it
  kStorage,         // 500 "Database error": the store failed; the detail goes to the log
  kInternal,        // 500: a bug; the detail goes to the log
  // A metadata provider's failures (TVDB, YouTube, Spotify):
  kNotConfigured,    // 503: no credentials for this provider; the message names the setting
  kUnavailable,      // 502: transport error, timeout, 5xx or 429 after the retries ran out
  kRejected,         // 502: the provider refuses us: bad credentials, quota exceeded, ...
  kItemRejected,     // 422: another 4xx about this one id ("invalid id", not in the market)
  kInvalidResponse,  // 502: 2xx but not the documented shape (bad JSON, missing fields)
};

struct Failure {
  FailureKind kind = FailureKind::kInternal;
  // One sentence for the client, e.g. "TVDB series 42 not found" (for kStorage and kInternal,
  // for the log only).
  std::string message;

  // A function returning any Result may `return Failure{kind, message};` or pass on another
  // Result's failure.
  template <class T>
  operator Result<T>() const& {  // NOLINT(google-explicit-constructor): the point of it
    return Result<T>::fail(*this);
  }
  template <class T>
  operator Result<T>() && {  // NOLINT(google-explicit-constructor)
    return Result<T>::fail(std::move(*this));
  }
};

// A value or the failure that stands in its place.
template <class T>
struct Result {
  std::optional<T> value;
  Failure failure;  // meaningful only when there is no value

  static Result success(T v) { return Result{std::move(v), {}}; }
  static Result fail(FailureKind kind, std::string message) {
    return Result{std::nullopt, Failure{kind, std::move(message)}};
  }
  static Result fail(Failure f) { return Result{std::nullopt, std::move(f)}; }

  explicit operator bool() const { return value.has_value(); }
  T& operator*() { return *value; }
  const T& operator*() const { return *value; }
  T* operator->() { return &*value; }
  const T* operator->() const { return &*value; }
};

// The outcome of something that has no value: done, or the failure.
template <>
struct Result<void> {
  std::optional<Failure> failure;

  static Result success() { return {}; }
  static Result fail(FailureKind kind, std::string message) {
    return Result{Failure{kind, std::move(message)}};
  }
  static Result fail(Failure f) { return Result{std::move(f)}; }

  explicit operator bool() const { return !failure.has_value(); }
};

// Completes an asynchronous call exactly once, from any thread, with its result.
template <class T>
using Done = std::function<void(Result<T>)>;

// A failure thrown where a value cannot carry it (a store read that failed, deep in a call).
class FailureError : public std::runtime_error {
 public:
  explicit FailureError(Failure failure)
      : std::runtime_error(failure.message), failure_(std::move(failure)) {}
  FailureError(FailureKind kind, std::string message)
      : FailureError(Failure{kind, std::move(message)}) {}

  const Failure& failure() const { return failure_; }

 private:
  Failure failure_;
};

// The failure of the exception being handled (call in a catch block): its own for a
// FailureError, `otherwise` with the exception's message for anything else.
Failure currentFailure(FailureKind otherwise = FailureKind::kInternal);
// The same for a caught exception (`error` must not be null).
Failure failureOf(const std::exception_ptr& error, FailureKind otherwise = FailureKind::kInternal);

}  // namespace it
