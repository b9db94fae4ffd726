#include "api/export/handlers.hpp"

#include <memory>

#include "api/access.hpp"
#include "api/export/export_document.hpp"
#include "http/responses.hpp"
#include "util/time_format.hpp"

namespace it::api::exports {
namespace {

using http::Request;
using http::Respond;

// The document, made as the front end asks for it.
class ExportBody final : public http::BodyProducer {
 public:
  template <class... Args>
  explicit ExportBody(Args&&... args) : document_(std::forward<Args>(args)...) {}
  std::optional<std::string> next() override { return document_.next(); }

 private:
  ExportDocument document_;
};

void getExport(const Dependencies& deps, const Request& req, const auth::Principal& caller,
               const Respond& respond) {
  if (auto denied = checkUserParameter(req, caller)) return respond(std::move(*denied));
  const std::string_view format_name = req.queryParam("format").value_or("json");
  if (format_name != "json" && format_name != "csv") {
    return respond(http::errorResponse(400, "format must be json or csv"));
  }
  const ExportFormat format = format_name == "csv" ? ExportFormat::kCsv : ExportFormat::kJson;
  http::Response response;
  response.content_type =
      format == ExportFormat::kCsv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
  // A name for a browser to save it under: the user and the day, "alice-2026-12-02.json".
  const std::string day = formatUtcMicros(deps.clock.now()).substr(0, 10);
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"immersion-tracker-" +
                                                           caller.username + "-" + day + "." +
                                                           std::string(format_name) + "\"");
  response.headers.emplace_back("Cache-Control", "no-store");
  response.stream =
      std::make_shared<ExportBody>(deps.store, deps.calendars, deps.clock, caller.username, format);
  respond(std::move(response));
}

}  // namespace

std::vector<http::Route> routes(const Dependencies& deps) {
  using http::Access;
  using http::Execution;
  using http::Method;
  return {
      {Method::kGet, "/api/export", Access::kUser, Execution::kBlocking,
       [&deps](const Request& r, const auth::Principal& p, Respond respond) {
         getExport(deps, r, p, respond);
       }},
  };
}

}  // namespace it::api::exports
