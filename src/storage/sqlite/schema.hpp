#pragma once

#include "storage/sqlite/connection.hpp"

namespace it::storage::sqlite {

// The schema version this build migrates to.
int latestSchemaVersion();

// Brings the database on `db` to latestSchemaVersion() in one transaction: all the missing
// migrations or none. Throws StoreError, also when the file is newer than this build.
void migrate(Connection& db);

}  // namespace it::storage::sqlite
