#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "service/calendars.hpp"
#include "storage/store.hpp"
#include "util/clock.hpp"
#include "util/failure.hpp"

namespace it::api::imports {

// What an import added, and what it found there already (importing a file twice adds nothing
// the second time).
struct ImportReport {
  std::int64_t items_added = 0;
  std::int64_t items_present = 0;
  std::int64_t logs_added = 0;
  std::int64_t logs_present = 0;
  std::int64_t tv_progress_updated = 0;
  std::int64_t shows_tagged = 0;
  std::int64_t language_choices = 0;
};

// POST /api/import: an export document (version 1) into `username`'s account. The whole body
// is checked first, record by record; the first bad record is a kInvalidRequest failure naming
// it ("items[17]: duration_seconds must be ..."), and nothing is written. Then it is written
// in this order: the settings, the items (in pages, each sync time in its own write, as the
// original synced them), the shows' tags, the language choices, the TV progress (where it is
// newer than the account's) and the logs (by id). Every write keeps what is there already, so
// an import stopped half way by a store failure is completed by running it again.
Result<ImportReport> importExport(storage::Store& store, const service::Calendars& calendars,
                                  std::string_view username, std::string_view body);

// What `import --all` did for one user.
struct UserImport {
  std::string username;
  bool account_created = false;  // else the store had the user, whose password was kept
  std::int64_t tokens_added = 0;
  ImportReport data;
};

// Told before each user is written (`done` of `total`), and once more after the last (`done` ==
// `total`, no user).
using ImportProgress =
    std::function<void(std::size_t done, std::size_t total, const std::string& username)>;

// `immersion-tracker import --all`: an export of every user (`export --all`: one document per
// line, each with its user's account and tokens) into `store`. Every document is checked first,
// and a bad record fails the whole import, naming its line ("line 3: items[17]: ..."), before
// anything is written. Then each user in turn: created with their password hash, admin flag and
// creation time unless the store has them (an existing user keeps their password), given the
// tokens the store does not have, and their data imported as importExport does. Importing the
// same file twice adds nothing. Throws StoreError when the store fails.
Result<std::vector<UserImport>> importEveryUser(storage::Store& store,
                                                const service::Calendars& calendars,
                                                std::string_view body,
                                                const ImportProgress& progress = {});

}  // namespace it::api::imports
