#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "util/failure.hpp"

namespace it::api::imports {

// Reads an export document (api/export/export_document.hpp) record by record, without building
// it in memory: every record of the document is a flat JSON object (its values strings,
// numbers, booleans or null), so the reader hands each one over as it ends, and keeps nothing
// else. Two reads of one body (one to check every record, one to write them) cost the body
// and one record.

// The parts of an export document. kHeader: the top-level values (format, version,
// exported_at), given once at the end of the document.
enum class Section {
  kHeader,
  kUser,
  kAccount,  // only in an export of every user: the password hash, admin, created_at
  kTokens,   // the same: the user's API tokens
  kTvProgress,
  kShows,
  kChannels,
  kPodcasts,
  kLanguageChoices,
  kItems,
  kLogs,
};

// How messages name a record: "items[17]", "user", "the document".
std::string recordName(Section section, std::size_t index);

// Called for each record: its section, its index in its section's array (0 for user and the
// header), the record. A failure stops the read and is returned by readExport.
using RecordVisitor = std::function<Result<void>(Section, std::size_t, const boost::json::object&)>;

// Reads `body`, calling `visit` for each record in document order. kInvalidRequest naming the
// record for a body that is not an export document's shape (not JSON, an unknown member, a
// nested value in a record, a string over 16 KiB).
Result<void> readExport(std::string_view body, const RecordVisitor& visit);

}  // namespace it::api::imports
