#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <utility>

#include "util/failure.hpp"

namespace it::storage {

// A storage failure the caller cannot fix (disk full, database locked for too long, ...).
// Answered 500 {"error": "Database error"}, as the original did.
class StoreError : public FailureError {
 public:
  explicit StoreError(std::string message)
      : FailureError(FailureKind::kStorage, std::move(message)) {}
};

// Called exactly once, from any thread, after the write is durable (nullptr) or failed.
using WriteDone = std::function<void(std::exception_ptr)>;
// The same for writes that count something (items added; 1 or 0 for found or not).
using CountDone = std::function<void(std::exception_ptr, std::int64_t)>;

}  // namespace it::storage
