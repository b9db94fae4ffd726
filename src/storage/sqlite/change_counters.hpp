#pragma once

#include <cstdint>
#include <string>

namespace it::storage::sqlite {

// Two counters that every process using one database shares, in "<database>-changes": a small
// file each process maps into its memory (MAP_SHARED), so reading a counter is a load from
// memory, not a system call. The server asks them on every request.
//
// - credentials: bumped whenever a user is added, removed or given a new password;
// - commits: bumped after every commit of a write.
//
// A process bumps a counter after its commit and before it tells anyone the write is done, so
// whoever saw the write acknowledged sees the new count. Thread-safe.
class ChangeCounters {
 public:
  // Opens "<database>-changes", creating it (mode 0600) when missing. Throws StoreError.
  explicit ChangeCounters(const std::string& database_path);
  ~ChangeCounters();
  ChangeCounters(const ChangeCounters&) = delete;
  ChangeCounters& operator=(const ChangeCounters&) = delete;

  std::uint64_t credentials() const;
  std::uint64_t commits() const;
  void bumpCredentials();
  void bumpCommits();

 private:
  std::uint64_t* slots_ = nullptr;  // the mapped file: [credentials, commits]
};

}  // namespace it::storage::sqlite
