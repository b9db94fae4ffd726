// POST /api/update_episode (api/tv_progress): the JSON body decoded by the handler itself,
// run through the real route with a store that keeps nothing; and parseEpisodeNumber on the
// same input as one JSON value.
//
// Invariants: 201 (what was stored is a valid username and show, season and episode from 1 to
// 2^31 - 1, and the answer echoes it), 400 or, for a caller who is not an admin, 403 for
// another user's name; every answer is JSON. parseEpisodeNumber agrees with a reference for
// strings.

#include <boost/json/parse.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "api/tv_progress/episode_number.hpp"
#include "api/tv_progress/handlers.hpp"
#include "domain/names.hpp"
#include "fuzz_support.hpp"

namespace {

namespace json = boost::json;
using it::api::tv_progress::NumberCheck;

constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();

struct Fixture {
  it::fuzz::StubStore store;
  it::SystemClock clock;
  it::service::TvProgressService tv{store, clock};
  std::vector<it::http::Route> routes = it::api::tv_progress::routes(tv);
  const it::http::Route& route(std::string_view path) const {
    for (const auto& r : routes) {
      if (r.path == path) return r;
    }
    std::abort();
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void updateAs(const it::auth::Principal& caller, std::string_view body) {
  Fixture& f = fixture();
  f.store.last_put.reset();
  it::http::Request request;
  request.method = it::http::Method::kPost;
  request.target = request.path = "/api/update_episode";
  request.body = std::string(body);
  std::optional<it::http::Response> answer;
  int answers = 0;
  f.route("/api/update_episode").handler(request, caller, [&](it::http::Response r) {
    ++answers;
    answer = std::move(r);
  });
  FUZZ_CHECK(answers == 1);  // the stub store completes writes at once

  auto v = it::fuzz::parseJson(answer->body);
  FUZZ_CHECK(v && v->is_object());
  if (answer->status != 201) {
    FUZZ_CHECK(answer->status == 400 || (answer->status == 403 && !caller.admin));
    FUZZ_CHECK(!f.store.last_put);
    it::fuzz::checkErrorBody(answer->body);
    return;
  }
  FUZZ_CHECK(f.store.last_put.has_value());
  const it::storage::TvProgress& p = *f.store.last_put;
  FUZZ_CHECK(it::domain::isValidUsername(p.username));
  FUZZ_CHECK(caller.admin || p.username == caller.username);
  FUZZ_CHECK(it::domain::isValidShowName(p.tv_show));
  FUZZ_CHECK(p.season >= 1 && p.season <= kMax);
  FUZZ_CHECK(p.episode >= 1 && p.episode <= kMax);
  const json::object& o = v->get_object();
  FUZZ_CHECK(o.at("username") == json::value(p.username));
  FUZZ_CHECK(o.at("tv_show") == json::value(p.tv_show));
  FUZZ_CHECK(o.at("season") == json::value(p.season));
  FUZZ_CHECK(o.at("episode") == json::value(p.episode));
}

// What parseEpisodeNumber documents for strings: optional surrounding " \t\n\r", an optional
// sign, decimal digits; 1 to 2^31 - 1 is kOk, zero or negative kNotPositive, else kNotInteger.
NumberCheck referenceFromString(std::string_view s, std::int64_t& out) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  bool negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) {
    return NumberCheck::kNotInteger;
  }
  std::string_view digits = s.substr(std::min(s.find_first_not_of('0'), s.size()));
  if (digits.empty()) return NumberCheck::kNotPositive;  // zero, with any sign
  if (negative) return NumberCheck::kNotPositive;
  if (digits.size() > 10 || std::stoll(std::string(digits)) > kMax) return NumberCheck::kNotInteger;
  out = std::stoll(std::string(digits));
  return NumberCheck::kOk;
}

void checkEpisodeNumber(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return;
  std::int64_t out = -1;
  NumberCheck check = it::api::tv_progress::parseEpisodeNumber(v, out);
  if (check == NumberCheck::kOk) FUZZ_CHECK(out >= 1 && out <= kMax);
  if (v.is_bool() || v.is_null() || v.is_array() || v.is_object()) {
    FUZZ_CHECK(check == NumberCheck::kNotInteger);
  }
  if (v.is_string()) {
    std::int64_t expected = -1;
    NumberCheck reference = referenceFromString(v.get_string(), expected);
    FUZZ_CHECK(check == reference);
    if (check == NumberCheck::kOk) FUZZ_CHECK(out == expected);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body = it::fuzz::textOf(data, size);
  updateAs(it::auth::Principal{"admin", true}, body);
  updateAs(it::auth::Principal{"alice", false}, body);
  checkEpisodeNumber(body);
  return 0;
}
