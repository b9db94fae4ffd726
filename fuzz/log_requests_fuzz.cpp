// The manual logs' requests (api/logs/requests.hpp): each input decoded as a POST body, a
// PATCH body, an Idempotency-Key header and a listing's cursor.
//
// Invariants: a decoded log has a medium and 1-1440 minutes (POST); every field given is
// within its limits (amount positive, title and note valid UTF-8 of at most 512 and 2000
// bytes, language 2-3 lower-case letters); a key is 1-255 visible ASCII characters; a cursor
// names a log id. A rejected input is an invalid request, rendered as a 400 in the service's
// error shape, of bounded size.

#include <string>

#include "api/logs/requests.hpp"
#include "domain/names.hpp"
#include "fuzz_support.hpp"

namespace {

namespace logs = it::api::logs;
namespace domain = it::domain;
using it::fuzz::decodedOrRefused;

void checkFields(const domain::LogChange& c) {
  if (c.minutes) FUZZ_CHECK(*c.minutes >= 1 && *c.minutes <= domain::kMaxLogMinutes);
  if (c.amount && *c.amount) FUZZ_CHECK(**c.amount >= 1);
  if (c.title && *c.title) {
    FUZZ_CHECK(!(*c.title)->empty() && (*c.title)->size() <= domain::kMaxLogTitleBytes);
    FUZZ_CHECK(domain::isValidUtf8(**c.title));
  }
  if (c.note && *c.note) {
    FUZZ_CHECK(!(*c.note)->empty() && (*c.note)->size() <= domain::kMaxLogNoteBytes);
    FUZZ_CHECK(domain::isValidUtf8(**c.note));
  }
  if (c.language && *c.language) FUZZ_CHECK(domain::languageTag(**c.language) == **c.language);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = it::fuzz::textOf(data, size);

  // Each result is kept in a variable: decodedOrRefused() points into it.
  auto created = logs::parseNewLog(text);
  if (const auto* c = decodedOrRefused(created)) {
    FUZZ_CHECK(c->medium.has_value() && c->minutes.has_value());
    checkFields(*c);
  }
  auto changed = logs::parseLogChange(text);
  if (const auto* c = decodedOrRefused(changed)) checkFields(*c);
  auto key = logs::parseIdempotencyKey(text);
  if (const auto* k = decodedOrRefused(key); k != nullptr && *k) {
    FUZZ_CHECK(!(*k)->empty() && (*k)->size() <= 255);
  }
  auto query = logs::parseLogQuery({std::nullopt, std::nullopt, std::nullopt, text, std::nullopt});
  if (const auto* q = decodedOrRefused(query)) {
    FUZZ_CHECK(q->after_id && domain::isLogId(*q->after_id));
  }
  return 0;
}
