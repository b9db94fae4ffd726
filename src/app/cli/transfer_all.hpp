#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "app/config.hpp"
#include "storage/store.hpp"

// `export --all` and `import --all`: every user of the configured store, with their password
// hashes and tokens, written to a file and read back into another store, to move between them
// (the original AWS deployment's DynamoDB tables and SQLite, either way). An operator's
// commands, like `user` and `token`: they open the store of the configuration, never a server.

namespace it::app::cli {

// Writes every user's export (one JSON document per line, with their account and tokens) to
// `output`, created readable by its owner only (first as FILE.part, renamed once complete), or
// to `destination`. Returns 0; throws CommandError when FILE cannot be written, StoreError when
// the store cannot be read.
int exportEveryUser(const Config& config, storage::Store& store,
                    const std::optional<std::string>& output, std::ostream& destination);

// Reads such a file into the store: all of it checked first (nothing written on an error, which
// names its line), then each user created (unless the store has them: their password is kept),
// given their tokens and their data, one line each on `out` (and, `on_terminal`, which user it
// is at). Importing it twice adds nothing. Returns 0; throws CommandError for a bad file.
int importEveryUser(const Config& config, storage::Store& store, const std::string& file,
                    std::ostream& out, bool on_terminal);

}  // namespace it::app::cli
