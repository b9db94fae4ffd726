#include "app/cli/command_support.hpp"

#include <chrono>

#include "domain/names.hpp"
#include "util/time_format.hpp"

namespace it::app::cli {

std::string timestampNow() { return formatUtcMicros(std::chrono::system_clock::now()); }

void requireValidName(const std::string& name) {
  if (!domain::isValidUsername(name)) {
    throw CommandError("invalid user name \"" + name +
                       "\": use 1-64 letters, digits, '_', '-' or '.'");
  }
}

}  // namespace it::app::cli
