#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/api_client.hpp"
#include "client/sync_command.hpp"

namespace it::client {

// `immersion-tracker log`, `logs` and `log --undo`: manual immersion logs through the server's
// /api/logs. Each returns 0 and prints one plain line (or a table); throws ClientError (one
// sentence) when the input is wrong or the server refuses it.

// A duration as people write it: "45" or "45m" (minutes), "1h", "1h30m", "1h 30m", "90min".
// Whole minutes from 1 to 1440, or nothing.
std::optional<std::int64_t> parseDuration(std::string_view text);

struct LogRequest {
  std::string duration;  // as typed, for parseDuration
  std::string medium;
  std::optional<std::string> title;
  std::optional<std::int64_t> amount;
  std::optional<std::string> unit;
  std::optional<std::string> language;
  std::optional<std::string> date;
  std::optional<std::string> note;
};

// Records a log (POST /api/logs, with an Idempotency-Key so that a retry records once).
int runLog(ApiClient& api, const LogRequest& request, Console& console);
// Prints the `limit` most recent logs, newest date first, as a table.
int runLogs(ApiClient& api, int limit, Console& console);
// Removes the log recorded last (by creation, whatever its date).
int runUndoLog(ApiClient& api, Console& console);

}  // namespace it::client
