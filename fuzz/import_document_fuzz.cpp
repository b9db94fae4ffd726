// POST /api/import's body (api/import/importer.hpp): each input imported into a store that keeps
// nothing (fuzz_support.hpp's StubStore), both reads of the document running; and the same input
// as a file of `import --all` (one document per line, with accounts and tokens).
//
// Invariants: an input is imported or refused as an invalid request, rendered as a 400 in the
// service's error shape, of bounded size; an import's counts are never negative; the reader
// never hands over a record that holds an object or a list.

#include <string>

#include "api/import/export_reader.hpp"
#include "api/import/importer.hpp"
#include "fuzz_support.hpp"
#include "service/calendars.hpp"

namespace {

namespace imports = it::api::imports;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body = it::fuzz::textOf(data, size);
  it::fuzz::StubStore store;
  it::service::Calendars calendars(store, "UTC");
  auto report = imports::importExport(store, calendars, "alice", body);
  if (const auto* r = it::fuzz::decodedOrRefused(report)) {
    FUZZ_CHECK(r->items_added >= 0 && r->items_present >= 0 && r->logs_added >= 0 &&
               r->logs_present >= 0);
  }
  auto every_user = imports::importEveryUser(store, calendars, body);
  if (const auto* users = it::fuzz::decodedOrRefused(every_user)) {
    for (const auto& u : *users) FUZZ_CHECK(!u.username.empty() && u.tokens_added >= 0);
  }
  auto flat = imports::readExport(
      body, [](imports::Section, std::size_t, const boost::json::object& record) {
        for (const auto& [key, value] : record) FUZZ_CHECK(!value.is_object() && !value.is_array());
        return it::Result<void>::success();
      });
  if (!flat) FUZZ_CHECK(flat.failure->kind == it::FailureKind::kInvalidRequest);
  return 0;
}
