#include "app/private_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include "telemetry/log.hpp"

namespace it::app {
namespace fs = std::filesystem;

namespace {

constexpr fs::perms kOthers = fs::perms::group_all | fs::perms::others_all;

std::string octal(fs::perms perms) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(perms & fs::perms::mask));
  return text;
}

// Opens `path` for writing with `flags`, creating it 0600: fchmod because the umask may have
// taken bits away (never added any). -1 when it could not.
int openPrivate(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0600);
  if (fd >= 0 && ::fchmod(fd, 0600) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Creates `path` 0600 if it does not exist; narrows it to 0600 if others may use it.
void keepFilePrivate(const fs::path& path, bool create) {
  std::error_code ec;
  fs::file_status status = fs::symlink_status(path, ec);
  if (!fs::exists(status)) {
    if (!create) return;
    int fd = openPrivate(path, O_EXCL);
    if (fd >= 0) ::close(fd);
    return;
  }
  if (!fs::is_regular_file(status) || (status.permissions() & kOthers) == fs::perms::none) return;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                  ec);
  if (ec) {
    telemetry::logWarn("a database file is readable by other users and could not be narrowed",
                       {{"path", path.string()}, {"error", ec.message()}});
  }
}

}  // namespace

void keepDataPrivate(const Config& config) {
  fs::path dir = config.data_dir;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec)
      throw ConfigError("data_dir " + config.data_dir + " cannot be created: " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  } else if (fs::perms perms = fs::status(dir, ec).permissions();
             !ec && (perms & kOthers) != fs::perms::none) {
    telemetry::logWarn(
        "the data directory may be read by other users; chmod 700 it unless it "
        "is shared on purpose",
        {{"data_dir", config.data_dir}, {"mode", octal(perms)}});
  }
  fs::path database = config.databasePath();
  keepFilePrivate(database, /*create=*/true);
  keepFilePrivate(database.string() + "-wal", /*create=*/false);
  keepFilePrivate(database.string() + "-shm", /*create=*/false);
}

bool writePrivateFile(const std::string& path, std::string_view contents) {
  bool given = false;
  return writePrivateFile(path, [&]() -> std::optional<std::string> {
    if (std::exchange(given, true)) return std::nullopt;
    return std::string(contents);
  });
}

bool writePrivateFile(const std::string& path,
                      const std::function<std::optional<std::string>()>& next_piece) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const int fd = openPrivate(path, O_TRUNC);
  if (fd < 0) return false;
  // Closed however this ends: `next_piece` may throw.
  std::unique_ptr<const int, void (*)(const int*)> closer(&fd, [](const int* f) { ::close(*f); });
  bool written = true;
  while (written) {
    std::optional<std::string> piece = next_piece();
    if (!piece) break;
    std::string_view rest = *piece;
    while (written && !rest.empty()) {
      const ssize_t n = ::write(fd, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      written = n > 0;
      if (written) rest.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  return written && ::fsync(fd) == 0;
}

void warnIfOthersMayRead(const std::string& path, std::string_view setting) {
  if (path.empty()) return;
  std::error_code ec;
  fs::perms perms = fs::status(path, ec).permissions();
  if (ec || (perms & (fs::perms::group_read | fs::perms::others_read)) == fs::perms::none) return;
  telemetry::logWarn("a file with credentials may be read by other users; chmod 600 it",
                     {{"setting", setting}, {"path", path}, {"mode", octal(perms)}});
}

}  // namespace it::app
