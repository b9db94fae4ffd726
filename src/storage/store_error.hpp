#pragma once

#include <cstdint>
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

// How every asynchronous store write completes: exactly once, from any thread, after the write
// is durable, or with its failure (kStorage unless it says otherwise).
using WriteDone = Done<void>;
// The same for writes that count something (items added; 1 or 0 for found or not).
using CountDone = Done<std::int64_t>;

}  // namespace it::storage
