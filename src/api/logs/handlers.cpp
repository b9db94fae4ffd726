#include "api/logs/handlers.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>

#include "api/access.hpp"
#include "api/json_body.hpp"
#include "api/logs/requests.hpp"
#include "http/responses.hpp"
#include "util/time_format.hpp"

namespace it::api::logs {
namespace {

namespace json = boost::json;
using http::jsonResponse;
using http::Request;
using http::Respond;
using http::Response;

void postLog(const Dependencies& deps, const Request& req, const auth::Principal& caller,
             const Respond& respond) {
  auto key = parseIdempotencyKey(req.header("idempotency-key"));
  if (!key) return respond(http::failureResponse(key.failure));
  auto fields = parseNewLog(req.body);
  if (!fields) return respond(http::failureResponse(fields.failure));
  auto added = deps.logs.add(caller.username, *fields, key->value_or(""));
  if (!added) return respond(http::failureResponse(added.failure));
  // A retry with the same key gets the same answer, and is told it is one.
  Response response = jsonResponse(201, logJson(added->log));
  response.headers.emplace_back("Location", "/api/logs/" + added->log.id);
  if (added->replayed) response.headers.emplace_back("Idempotent-Replayed", "true");
  respond(std::move(response));
}

void getLogs(const Dependencies& deps, const Request& req, const auth::Principal& caller,
             const Respond& respond) {
  auto query = parseLogQuery({req.queryParam("from"), req.queryParam("to"), req.queryParam("limit"),
                              req.queryParam("cursor"), req.queryParam("order")});
  if (!query) return respond(http::failureResponse(query.failure));
  storage::LogPage page = deps.logs.list(caller.username, *query);
  json::array logs;
  logs.reserve(page.logs.size());
  for (const auto& log : page.logs) logs.push_back(logJson(log));
  json::object body{{"logs", std::move(logs)}};
  if (page.more) body.emplace("next_cursor", nextCursor(*query, page.logs.back()));
  respond(jsonResponse(200, body));
}

void getLog(const Dependencies& deps, const Request& req, const auth::Principal& caller,
            const Respond& respond) {
  auto log = deps.logs.find(caller.username, req.lastSegment());
  if (!log) return respond(http::failureResponse(log.failure));
  respond(jsonResponse(200, logJson(*log)));
}

void patchLog(const Dependencies& deps, const Request& req, const auth::Principal& caller,
              const Respond& respond) {
  auto change = parseLogChange(req.body);
  if (!change) return respond(http::failureResponse(change.failure));
  auto log = deps.logs.change(caller.username, req.lastSegment(), *change);
  if (!log) return respond(http::failureResponse(log.failure));
  respond(jsonResponse(200, logJson(*log)));
}

void deleteLog(const Dependencies& deps, const Request& req, const auth::Principal& caller,
               const Respond& respond) {
  auto removed = deps.logs.remove(caller.username, req.lastSegment());
  if (!removed) return respond(http::failureResponse(removed.failure));
  respond(http::noContent());
}

}  // namespace

json::object logJson(const domain::ImmersionLog& log) {
  auto text = [](const std::optional<std::string>& s) { return jsonOrNull(s); };
  std::chrono::system_clock::time_point created{std::chrono::microseconds(log.created_at)};
  return {{"id", log.id},
          {"date", domain::formatIsoDate(log.date)},
          {"medium", domain::mediumName(log.medium)},
          {"minutes", log.minutes},
          {"title", text(log.title)},
          {"amount", jsonOrNull(log.amount)},
          {"unit", log.unit ? json::value(domain::unitName(*log.unit)) : json::value(nullptr)},
          {"language", text(log.language)},
          {"note", text(log.note)},
          {"created_at", formatUtcMicros(created)}};
}

std::vector<http::Route> routes(const Dependencies& deps) {
  using http::Access;
  using http::Execution;
  using http::Method;
  using Endpoint =
      void (*)(const Dependencies&, const Request&, const auth::Principal&, const Respond&);
  auto handler = [&deps](Endpoint endpoint) {
    return [&deps, endpoint](const Request& r, const auth::Principal& p, Respond respond) {
      if (auto denied = checkUserParameter(r, p)) return respond(std::move(*denied));
      endpoint(deps, r, p, respond);
    };
  };
  // Writes wait for their commit, and DynamoDB reads are round trips: all on the workers.
  return {
      {Method::kPost, "/api/logs", Access::kUser, Execution::kBlocking, handler(postLog)},
      {Method::kGet, "/api/logs", Access::kUser, Execution::kBlocking, handler(getLogs)},
      {Method::kGet, "/api/logs/{}", Access::kUser, Execution::kBlocking, handler(getLog)},
      {Method::kPatch, "/api/logs/{}", Access::kUser, Execution::kBlocking, handler(patchLog)},
      {Method::kDelete, "/api/logs/{}", Access::kUser, Execution::kBlocking, handler(deleteLog)},
  };
}

}  // namespace it::api::logs
