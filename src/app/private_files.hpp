#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "app/config.hpp"

namespace it::app {

// The data directory and the SQLite database are this user's alone, whatever the umask: a
// new data directory is made 0700, the database file 0600 (SQLite gives its WAL and shared
// memory files the database's mode), and existing database files more open than that are
// narrowed. An existing data directory that others may enter gets a warning (it may be shared
// on purpose, and is not changed). Throws ConfigError when the directory cannot be made.
void keepDataPrivate(const Config& config);

// Writes `contents` to `path` (created, or emptied first) readable and writable by its owner
// only, whatever the umask, and syncs it. False when that failed.
bool writePrivateFile(const std::string& path, std::string_view contents);
// The same with the pieces `next_piece` gives until it gives nothing (it may throw: the file is
// then left as far as it got).
bool writePrivateFile(const std::string& path,
                      const std::function<std::optional<std::string>()>& next_piece);

// Logs a warning when the file at `path` (a setting named `setting`) may be read by other
// users: the configuration and the original's secret hold credentials.
void warnIfOthersMayRead(const std::string& path, std::string_view setting);

}  // namespace it::app
