#pragma once

#include "util/failure.hpp"

namespace it::providers {

// A metadata lookup's value or the reason there is none: the program's one failure type,
// under the names the provider clients use.
using it::Failure;
using it::FailureKind;
template <class T>
using Outcome = it::Result<T>;

}  // namespace it::providers
