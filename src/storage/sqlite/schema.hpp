#pragma once

#include "storage/sqlite/connection.hpp"

namespace it::storage::sqlite {

// The schema version this build migrates to.
int latestSchemaVersion();

// Brings the database on `db` to version `target` (latestSchemaVersion(); tests make files of
// older versions) in one transaction: all the missing migrations or none. Throws StoreError,
// also when the file is newer than this build.
void migrate(Connection& db, int target);
inline void migrate(Connection& db) { migrate(db, latestSchemaVersion()); }

}  // namespace it::storage::sqlite
