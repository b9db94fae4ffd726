#include "api/import/handlers.hpp"

#include <boost/json/object.hpp>

#include "api/access.hpp"
#include "api/import/importer.hpp"
#include "http/responses.hpp"

namespace it::api::imports {
namespace {

using http::Request;
using http::Respond;

void postImport(const Dependencies& deps, const Request& req, const auth::Principal& caller,
                const Respond& respond) {
  if (auto denied = checkUserParameter(req, caller)) return respond(std::move(*denied));
  auto report = importExport(deps.store, deps.calendars, caller.username, req.body);
  if (!report) return respond(http::failureResponse(report.failure));
  respond(http::jsonResponse(
      200, boost::json::object{{"items_added", report->items_added},
                               {"items_present", report->items_present},
                               {"logs_added", report->logs_added},
                               {"logs_present", report->logs_present},
                               {"tv_progress_updated", report->tv_progress_updated},
                               {"shows_tagged", report->shows_tagged},
                               {"language_choices", report->language_choices}}));
}

}  // namespace

std::vector<http::Route> routes(const Dependencies& deps) {
  using http::Access;
  using http::Execution;
  using http::Method;
  http::Route route{Method::kPost, "/api/import", Access::kUser, Execution::kBlocking,
                    [&deps](const Request& r, const auth::Principal& p, Respond respond) {
                      postImport(deps, r, p, respond);
                    }};
  route.max_body_bytes = deps.max_body_bytes;
  route.own_body_limit = true;
  return {std::move(route)};
}

}  // namespace it::api::imports
