#include "api/logs/requests.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "api/json_body.hpp"
#include "util/utf8.hpp"

namespace it::api::logs {
namespace {

namespace json = boost::json;

constexpr std::string_view kFields[] = {"medium", "minutes",  "title", "amount",
                                        "unit",   "language", "date",  "note"};

// A positive JSON integer up to `max` (1.0 and "1" are not).
std::optional<std::int64_t> positiveInteger(const json::value& v, std::int64_t max) {
  if (v.is_int64() && v.get_int64() > 0 && v.get_int64() <= max) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() > 0 && v.get_uint64() <= static_cast<std::uint64_t>(max)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

// Text of 1 to `max_bytes` bytes of UTF-8, or the failure naming `field`.
Result<std::string> text(const json::value& v, std::string_view field, std::size_t max_bytes) {
  if (!v.is_string() || v.get_string().empty() || v.get_string().size() > max_bytes ||
      !isValidUtf8(v.get_string())) {
    return invalidRequest(std::string(field) + " must be a string of 1 to " +
                          std::to_string(max_bytes) + " bytes of UTF-8");
  }
  return Result<std::string>::success(std::string(v.get_string()));
}

}  // namespace

Result<domain::LogChange> decodeLogFields(const json::object& document) {
  domain::LogChange change;
  for (const auto& [key, value] : document) {
    std::string_view field = key;
    if (std::find(std::begin(kFields), std::end(kFields), field) == std::end(kFields)) {
      std::string shown = field.size() <= 64 && isValidUtf8(field) ? std::string(field) : "...";
      return invalidRequest("Unknown field \"" + shown + "\"; a log has " +
                            "medium, minutes, title, amount, unit, language, date and note");
    }
    const bool null = value.is_null();
    if (field == "medium") {
      auto medium = value.is_string() ? domain::mediumNamed(value.get_string()) : std::nullopt;
      if (!medium) return invalidRequest("medium must be one of " + domain::mediumNames());
      change.medium = *medium;
    } else if (field == "minutes") {
      auto minutes = positiveInteger(value, domain::kMaxLogMinutes);
      if (!minutes) {
        return invalidRequest("minutes must be a whole number from 1 to " +
                              std::to_string(domain::kMaxLogMinutes));
      }
      change.minutes = *minutes;
    } else if (field == "date") {
      auto day = value.is_string() ? domain::parseIsoDate(value.get_string()) : std::nullopt;
      if (!day) return invalidRequest("date must be a date written YYYY-MM-DD");
      change.date = *day;
    } else if (field == "amount") {
      if (null) {
        change.amount = std::optional<std::int64_t>();
        continue;
      }
      auto amount = positiveInteger(value, domain::kMaxLogAmount);
      if (!amount) {
        return invalidRequest("amount must be a whole number from 1 to " +
                              std::to_string(domain::kMaxLogAmount));
      }
      change.amount = amount;
    } else if (field == "unit") {
      if (null) {
        change.unit = std::optional<domain::AmountUnit>();
        continue;
      }
      auto unit = value.is_string() ? domain::unitNamed(value.get_string()) : std::nullopt;
      if (!unit) return invalidRequest("unit must be one of " + domain::unitNames());
      change.unit = unit;
    } else if (field == "language") {
      if (null) {
        change.language = std::optional<std::string>();
        continue;
      }
      auto tag = value.is_string() ? domain::languageTag(value.get_string()) : std::nullopt;
      if (!tag) {
        return invalidRequest(
            "language must be a BCP 47 primary language tag: two or three letters, such as "
            "\"ja\", \"ko\" or \"es\"");
      }
      change.language = std::move(tag);
    } else {  // title, note
      const bool title = field == "title";
      auto& slot = title ? change.title : change.note;
      if (null) {
        slot = std::optional<std::string>();
        continue;
      }
      auto value_text =
          text(value, field, title ? domain::kMaxLogTitleBytes : domain::kMaxLogNoteBytes);
      if (!value_text) return value_text.failure;
      slot = std::move(*value_text);
    }
  }
  return Result<domain::LogChange>::success(std::move(change));
}

namespace {

Result<std::optional<domain::LocalDay>> dateParameter(std::optional<std::string_view> text,
                                                      std::string_view name) {
  if (!text) return Result<std::optional<domain::LocalDay>>::success(std::nullopt);
  auto day = domain::parseIsoDate(*text);
  if (!day) return invalidRequest(std::string(name) + " must be a date written YYYY-MM-DD");
  return Result<std::optional<domain::LocalDay>>::success(*day);
}

}  // namespace

Result<domain::LogChange> parseNewLog(std::string_view body) {
  auto document = parseJsonObject(body,
                                  "Request body must be a JSON object with \"medium\" and "
                                  "\"minutes\"");
  if (!document) return document.failure;
  auto change = decodeLogFields(*document);
  if (!change) return change;
  if (!change->medium) return invalidRequest("medium is required: one of " + domain::mediumNames());
  if (!change->minutes) return invalidRequest("minutes is required: a whole number from 1 to 1440");
  return change;
}

Result<domain::LogChange> parseLogChange(std::string_view body) {
  auto document = parseJsonObject(body,
                                  "Request body must be a JSON object with the fields to "
                                  "change");
  if (!document) return document.failure;
  return decodeLogFields(*document);
}

Result<std::optional<std::string>> parseIdempotencyKey(std::optional<std::string_view> header) {
  if (!header) return Result<std::optional<std::string>>::success(std::nullopt);
  bool visible =
      std::all_of(header->begin(), header->end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (header->empty() || header->size() > 255 || !visible) {
    return invalidRequest("Idempotency-Key must be 1 to 255 visible ASCII characters");
  }
  return Result<std::optional<std::string>>::success(std::string(*header));
}

Result<storage::LogQuery> parseLogQuery(const LogListParameters& p) {
  storage::LogQuery query;
  auto from = dateParameter(p.from, "from");
  if (!from) return from.failure;
  auto to = dateParameter(p.to, "to");
  if (!to) return to.failure;
  query.from = *from;
  query.to = *to;
  if (query.from && query.to && *query.from > *query.to) {
    return invalidRequest("from must not be after to");
  }
  if (p.order && *p.order != "date") {
    if (*p.order != "created") return invalidRequest("order must be \"date\" or \"created\"");
    query.order = storage::LogQuery::Order::kCreated;
  }
  if (p.limit) {
    auto [end, ec] =
        std::from_chars(p.limit->data(), p.limit->data() + p.limit->size(), query.limit);
    if (ec != std::errc() || end != p.limit->data() + p.limit->size() || query.limit < 1 ||
        query.limit > kMaxLogsPerPage) {
      return invalidRequest("limit must be a whole number from 1 to " +
                            std::to_string(kMaxLogsPerPage));
    }
  }
  if (p.cursor) {
    // "<YYYY-MM-DD>.<id>" when listing by date, "<id>" by creation.
    std::string_view cursor = *p.cursor;
    auto dot = cursor.find('.');
    std::string_view id = dot == std::string_view::npos ? cursor : cursor.substr(dot + 1);
    const bool by_date = query.order == storage::LogQuery::Order::kDate;
    std::optional<domain::LocalDay> date;
    if (dot != std::string_view::npos) date = domain::parseIsoDate(cursor.substr(0, dot));
    if (!domain::isLogId(id) || by_date != date.has_value()) {
      return invalidRequest("cursor is not one this listing gave (use next_cursor as it is)");
    }
    query.after_date = date;
    query.after_id = std::string(id);
  }
  return Result<storage::LogQuery>::success(std::move(query));
}

std::string nextCursor(const storage::LogQuery& query, const domain::ImmersionLog& last) {
  if (query.order == storage::LogQuery::Order::kCreated) return last.id;
  return domain::formatIsoDate(last.date) + "." + last.id;
}

}  // namespace it::api::logs
