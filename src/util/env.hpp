#pragma once

#include <cstdlib>
#include <optional>
#include <string>

namespace it {

// The value of environment variable `name`; nothing when it is unset or empty (an empty
// setting means "not set", as in the originals).
inline std::optional<std::string> envVar(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

}  // namespace it
