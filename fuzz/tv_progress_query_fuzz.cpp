// The query parameters of GET /api/show_episode, /api/show_user and /api/show_all
// (api/tv_progress): the input is a request target, parsed by http::parseTarget and handed to
// each of the three handlers (whatever its path), with a store that keeps nothing.
//
// Invariants: every answer is 200, 400, 403 or 404 with a JSON body (errors in the service's
// shape); a next_cursor that show_all hands out is accepted back and names the key it came
// from.

#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "api/tv_progress/handlers.hpp"
#include "domain/names.hpp"
#include "fuzz_support.hpp"

namespace {

namespace json = boost::json;

struct Fixture {
  it::fuzz::StubStore store;
  it::SystemClock clock;
  it::service::TvProgressService tv{store, clock};
  std::vector<it::http::Route> routes = it::api::tv_progress::routes(tv);
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

it::http::Response call(const it::http::Route& route, const it::http::Request& request,
                        const it::auth::Principal& caller) {
  std::optional<it::http::Response> answer;
  int answers = 0;
  route.handler(request, caller, [&](it::http::Response r) {
    ++answers;
    answer = std::move(r);
  });
  FUZZ_CHECK(answers == 1);
  int s = answer->status;
  FUZZ_CHECK(s == 200 || s == 400 || s == 403 || s == 404);
  auto v = it::fuzz::parseJson(answer->body);
  FUZZ_CHECK(v && v->is_object());
  if (s == 400 || s == 403) it::fuzz::checkErrorBody(answer->body);
  return std::move(*answer);
}

// show_all pages with a next_cursor; it must come back as the key it was made of.
void checkCursorRoundTrip(const it::http::Route& show_all, const it::auth::Principal& admin,
                          const it::storage::TvProgressKey& key) {
  Fixture& f = fixture();
  f.store.next_key = key;
  it::http::Request first;
  first.query = {{"limit", "1"}};
  auto page = call(show_all, first, admin);
  FUZZ_CHECK(page.status == 200);
  auto cursor = it::fuzz::parseJson(page.body)->at("next_cursor").as_string();
  it::http::Request next;
  next.query = {{"limit", "1"}, {"cursor", std::string(cursor)}};
  auto second = call(show_all, next, admin);
  FUZZ_CHECK(second.status == 200);
  FUZZ_CHECK(f.store.last_after.has_value() && *f.store.last_after == key);
  f.store.next_key = {"alice", "The Office"};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  it::http::Request request;
  request.method = it::http::Method::kGet;
  request.target = std::string(it::fuzz::textOf(data, size));
  if (!it::http::parseTarget(request.target, request.path, request.query)) return 0;

  Fixture& f = fixture();
  const it::auth::Principal admin{"admin", true};
  const it::auth::Principal alice{"alice", false};
  for (const auto& route : f.routes) {
    if (route.method != it::http::Method::kGet) continue;
    f.store.last_after.reset();
    call(route, request, admin);
    call(route, request, alice);
    if (route.path == "/api/show_all") {
      // Any username and show name the parameters carry make a key to page from.
      auto user = request.queryParam("username");
      auto show = request.queryParam("tv_show");
      if (user && show && it::domain::isValidUsername(*user) &&
          it::domain::isValidShowName(*show)) {
        checkCursorRoundTrip(route, admin, {std::string(*user), std::string(*show)});
      }
    }
  }
  return 0;
}
