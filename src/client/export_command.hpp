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

// `immersion-tracker import FILE`: an export (JSON) into the caller's account (POST
// /api/import), then one line of what it added. The server checks the whole file before it
// writes anything; importing a file twice adds nothing the second time. Returns 0; throws
// ClientError (one sentence) when the file cannot be read or the server refuses it.
int runImport(ApiClient& api, const std::string& file, std::ostream& out, bool on_terminal);

}  // namespace it::client
