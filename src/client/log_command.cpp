#include "client/log_command.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cctype>
#include <ostream>
#include <vector>

#include "util/encoding.hpp"
#include "util/json.hpp"
#include "util/utf8.hpp"

namespace it::client {
namespace {

namespace json = boost::json;

// "45m", "1h 30m".
std::string minutesText(std::int64_t minutes) {
  if (minutes < 60) return std::to_string(minutes) + "m";
  std::string text = std::to_string(minutes / 60) + "h";
  if (minutes % 60 != 0) text += " " + std::to_string(minutes % 60) + "m";
  return text;
}

// "book, 45m, 30 pages, "よつばと! 3" (ja) on 2026-11-30".
std::string describe(const json::object& log) {
  std::string text = stringAt(log, "medium").value_or("?") + ", " +
                     minutesText(integerAt(log, "minutes").value_or(0));
  if (auto amount = integerAt(log, "amount")) {
    text += ", " + std::to_string(*amount) + " " + stringAt(log, "unit").value_or("");
  }
  if (auto title = stringAt(log, "title")) text += ", \"" + *title + "\"";
  if (auto language = stringAt(log, "language")) text += " (" + *language + ")";
  return text + " on " + stringAt(log, "date").value_or("?");
}

std::string padded(std::string text, std::size_t to) {
  std::size_t w = utf8CodePoints(text);
  if (w < to) text.append(to - w, ' ');
  return text;
}

// The server's refusal, as it said it.
[[noreturn]] void refused(const ApiClient::Reply& reply, const char* what) {
  throw ClientError(stringAt(reply.body, "error").value_or(what));
}

}  // namespace

std::optional<std::int64_t> parseDuration(std::string_view text) {
  // Hours, then minutes, each at most once and in that order; a bare number is minutes, on its
  // own or after hours ("1h30"), never after minutes ("1m30" could mean seconds).
  std::int64_t minutes = 0;
  bool hours_seen = false;
  bool minutes_seen = false;
  std::size_t i = 0;
  auto skipSpaces = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  skipSpaces();
  while (i < text.size()) {
    if (minutes_seen) return std::nullopt;
    std::int64_t n = 0;
    std::size_t digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 5) {
      n = n * 10 + (text[i++] - '0');
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    skipSpaces();
    std::string unit;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
      unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
    }
    if (unit == "h" || unit == "hr" || unit == "hrs" || unit == "hour" || unit == "hours") {
      if (hours_seen) return std::nullopt;
      hours_seen = true;
      minutes += n * 60;
    } else if (unit.empty() || unit == "m" || unit == "min" || unit == "mins" || unit == "minute" ||
               unit == "minutes") {
      minutes_seen = true;
      minutes += n;
    } else {
      return std::nullopt;
    }
    skipSpaces();
  }
  if (minutes < 1 || minutes > 1440) return std::nullopt;
  return minutes;
}

int runLog(ApiClient& api, const LogRequest& request, Console& console) {
  auto minutes = parseDuration(request.duration);
  if (!minutes) {
    throw ClientError("\"" + request.duration +
                      "\" is not a duration from 1 minute to 24 hours (write 45, 45m, 1h or "
                      "1h30m)");
  }
  json::object body{{"medium", request.medium}, {"minutes", *minutes}};
  if (request.title) body["title"] = *request.title;
  if (request.amount) body["amount"] = *request.amount;
  if (request.unit) body["unit"] = *request.unit;
  if (request.language) body["language"] = *request.language;
  if (request.date) body["date"] = *request.date;
  if (request.note) body["note"] = *request.note;
  // One key per run: should the answer be lost and the request sent again, it records once.
  std::string key(16, '\0');
  randomBytes(key.data(), key.size());
  auto reply =
      api.call("POST", "api/logs", body, {201, 400}, {"Idempotency-Key: " + base64UrlEncode(key)});
  if (reply.status == 400) refused(reply, "the server refused the log");
  console.out << "Logged " << describe(reply.body) << ".\n";
  return 0;
}

int runLogs(ApiClient& api, int limit, Console& console) {
  auto reply = api.call("GET", "api/logs?limit=" + std::to_string(limit));
  const json::value* logs = reply.body.if_contains("logs");
  if (logs == nullptr || !logs->is_array() || logs->get_array().empty()) {
    console.out << "No logs yet. Add one with: immersion-tracker log 45m book \"Title\"\n";
    return 0;
  }
  struct Row {
    std::string date, medium, time, amount, language, title;
  };
  std::vector<Row> rows{{"DATE", "MEDIUM", "TIME", "AMOUNT", "LANG", "TITLE"}};
  for (const auto& value : logs->get_array()) {
    if (!value.is_object()) continue;
    const json::object& log = value.get_object();
    Row row{stringAt(log, "date").value_or(""),
            stringAt(log, "medium").value_or(""),
            minutesText(integerAt(log, "minutes").value_or(0)),
            "",
            stringAt(log, "language").value_or("-"),
            stringAt(log, "title").value_or("")};
    if (auto amount = integerAt(log, "amount")) {
      row.amount = std::to_string(*amount) + " " + stringAt(log, "unit").value_or("");
    }
    rows.push_back(std::move(row));
  }
  std::size_t widths[5] = {};
  for (const auto& r : rows) {
    const std::string* cells[5] = {&r.date, &r.medium, &r.time, &r.amount, &r.language};
    for (int c = 0; c < 5; ++c) widths[c] = std::max(widths[c], utf8CodePoints(*cells[c]));
  }
  for (const auto& r : rows) {
    console.out << padded(r.date, widths[0]) << "  " << padded(r.medium, widths[1]) << "  "
                << padded(r.time, widths[2]) << "  " << padded(r.amount, widths[3]) << "  "
                << padded(r.language, widths[4]) << "  " << r.title << "\n";
  }
  return 0;
}

int runUndoLog(ApiClient& api, Console& console) {
  auto reply = api.call("GET", "api/logs?order=created&limit=1");
  const json::value* logs = reply.body.if_contains("logs");
  if (logs == nullptr || !logs->is_array() || logs->get_array().empty() ||
      !logs->get_array()[0].is_object()) {
    throw ClientError("there is no log to undo");
  }
  const json::object& last = logs->get_array()[0].get_object();
  std::string id = stringAt(last, "id").value_or("");
  auto removed = api.call("DELETE", "api/logs/" + id, nullptr, {204, 404});
  if (removed.status == 404) throw ClientError("the last log was removed meanwhile");
  console.out << "Removed the last log: " << describe(last) << ".\n";
  return 0;
}

}  // namespace it::client
