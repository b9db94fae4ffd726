#include "storage/sqlite/change_counters.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "storage/store_error.hpp"

namespace it::storage::sqlite {
namespace {

// The file is one page: two counters at its start, the rest zeros.
constexpr std::size_t kFileBytes = 4096;
enum Slot : std::size_t { kCredentials = 0, kCommits = 1 };

}  // namespace

ChangeCounters::ChangeCounters(const std::string& database_path) {
  const std::string path = database_path + "-changes";
  auto fail = [&path](const char* what) {
    return StoreError(std::string(what) + " " + path + ": " + std::strerror(errno));
  };
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw fail("cannot open");
  struct stat st {};
  // Growing a file fills it with zeros, so a process that creates it at the same time as
  // another one, or after it has counted, changes nothing.
  bool sized = ::fstat(fd, &st) == 0 && (st.st_size >= static_cast<off_t>(kFileBytes) ||
                                         ::ftruncate(fd, static_cast<off_t>(kFileBytes)) == 0);
  void* map =
      sized ? ::mmap(nullptr, kFileBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
  int error = errno;
  ::close(fd);
  errno = error;
  if (map == MAP_FAILED) throw fail(sized ? "cannot map" : "cannot size");
  slots_ = static_cast<std::uint64_t*>(map);
}

ChangeCounters::~ChangeCounters() { ::munmap(slots_, kFileBytes); }

std::uint64_t ChangeCounters::credentials() const {
  return std::atomic_ref(slots_[kCredentials]).load();
}

std::uint64_t ChangeCounters::commits() const { return std::atomic_ref(slots_[kCommits]).load(); }

void ChangeCounters::bumpCredentials() { std::atomic_ref(slots_[kCredentials]).fetch_add(1); }

void ChangeCounters::bumpCommits() { std::atomic_ref(slots_[kCommits]).fetch_add(1); }

}  // namespace it::storage::sqlite
