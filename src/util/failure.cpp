#include "util/failure.hpp"

#include <exception>

namespace it {

Failure currentFailure(FailureKind otherwise) {
  try {
    throw;
  } catch (const FailureError& e) {
    return e.failure();
  } catch (const std::exception& e) {
    return {otherwise, e.what()};
  } catch (...) {
    return {otherwise, "unknown exception"};
  }
}

Failure failureOf(const std::exception_ptr& error, FailureKind otherwise) {
  try {
    std::rethrow_exception(error);
  } catch (...) {
    return currentFailure(otherwise);
  }
}

}  // namespace it
