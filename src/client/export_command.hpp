#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "client/api_client.hpp"

namespace it::client {

// `immersion-tracker export [--format json|csv] [--output FILE]`: the caller's whole history
// (GET /api/export) written to `destination`, or to FILE: first to FILE.part, renamed once
// complete, so that FILE is never a partial export. Returns 0; throws ClientError (one
// sentence) when the format is wrong, the server refuses, or FILE cannot be written.
int runExport(ApiClient& api, const std::string& format, const std::optional<std::string>& output,
              std::ostream& destination);

}  // namespace it::client
