#include "http/router.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "domain/names.hpp"
#include "http/responses.hpp"
#include "http/session_cookie.hpp"
#include "telemetry/log.hpp"
#include "util/encoding.hpp"
#include "util/json.hpp"
#include "util/text.hpp"

namespace it::http {

// Per-request state shared by the continuations of one dispatch.
struct Router::Exchange {
  std::atomic<bool> answered{false};
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::string_view route = "unmatched";
  auth::Principal principal;
  // The credentials: the Authorization header, "Session <id>" from the session cookie, or
  // "Basic ..." made of a sign-in's body.
  std::string authorization;
  bool by_cookie = false;                 // authenticated by the session cookie
  bool sign_in = false;                   // an Access::kSignIn route
  std::optional<std::string> set_cookie;  // the renewed session's cookie, for the answer
};

namespace {

// `challenge`: with WWW-Authenticate: Basic, which clients other than the web dashboard's
// pages expect; a browser would answer it with its own password dialog.
Response unauthorized(std::string_view message, std::chrono::milliseconds delay, bool challenge) {
  Response r = errorResponse(401, message);
  if (challenge) r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"immersion-tracker\"");
  r.delay = delay;
  return r;
}

// A request of the web dashboard's pages: no Authorization header, and the session cookie or
// a page's script behind it.
bool fromTheApp(const Request& request) {
  return !request.header("authorization") &&
         (sessionCookie(request).has_value() || fromPageScript(request));
}

bool changesSomething(Method method) {
  return method != Method::kGet && method != Method::kHead && method != Method::kOptions;
}

bool isBearer(std::string_view authorization) {
  return authorization.size() > 7 && startsWithIgnoringCase(authorization, "bearer ");
}

// A sign-in's body, {"username", "password"}, as Basic credentials; small bodies only, so a
// stranger's sign-in costs no more to read than a header.
Result<std::string> signInCredentials(const Request& request) {
  constexpr std::size_t kLargestSignIn = 4096;
  const std::string shape = R"(Request body must be a JSON object with "username" and "password")";
  if (request.body.size() > kLargestSignIn) return Failure{FailureKind::kInvalidRequest, shape};
  auto body = parseJson(request.body);
  if (!body || !body->is_object()) return Failure{FailureKind::kInvalidRequest, shape};
  auto user = stringAt(body->get_object(), "username");
  auto password = stringAt(body->get_object(), "password");
  if (!user || !domain::isValidUsername(*user)) {
    return Failure{FailureKind::kInvalidRequest,
                   "username must be 1-64 letters, digits, '_', '-' or '.'"};
  }
  if (!password || password->empty() || password->size() > 1024) {
    return Failure{FailureKind::kInvalidRequest,
                   "password must be a non-empty string of at most 1024 bytes"};
  }
  return Result<std::string>::success("Basic " + base64Encode(*user + ":" + *password));
}

// The pattern a path with a last segment matches: "/api/tokens/ab12" -> "/api/tokens/{}".
// Nothing for a path without one ("/api/tokens/").
std::string parameterPattern(std::string_view path) {
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos || slash + 1 == path.size()) return {};
  return std::string(path.substr(0, slash + 1)) + "{}";
}

}  // namespace

Router::Router(std::vector<Route> routes, auth::Authenticator& authenticator,
               RequestObserver& observer, Offload offload, bool inline_reads_allowed,
               CorsPolicy cors, bool secure_cookies)
    : routes_(std::move(routes)),
      authenticator_(authenticator),
      observer_(observer),
      offload_(std::move(offload)),
      inline_allowed_(inline_reads_allowed),
      cors_(std::move(cors)),
      secure_cookies_(secure_cookies) {
  for (const Route& r : routes_) {
    auto& same_path = by_path_[r.path];
    // Two handlers for one request would hide one of them (a dashboard page named like an
    // endpoint, say): a mistake of the route tables, caught at start.
    if (std::any_of(same_path.begin(), same_path.end(),
                    [&](const Route* other) { return other->method == r.method; })) {
      throw std::logic_error("two routes for " + std::string(methodName(r.method)) + " " + r.path);
    }
    same_path.push_back(&r);
  }
}

void Router::dispatch(const Request& request, Respond respond) {
  auto exchange = std::make_shared<Exchange>();
  std::optional<std::string> origin = cors_.allowedOrigin(request);
  // Every answer goes through here: exactly once, observed (logged, counted), then sent.
  Respond answer = [this, &request, exchange, origin,
                    respond = std::move(respond)](Response response) {
    if (exchange->answered.exchange(true)) return;
    if (origin) CorsPolicy::allow(response, *origin);
    bool sets_cookie = std::any_of(response.headers.begin(), response.headers.end(),
                                   [](const auto& h) { return h.first == "Set-Cookie"; });
    if (exchange->set_cookie && !sets_cookie) {
      response.headers.emplace_back("Set-Cookie", *exchange->set_cookie);
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                          exchange->start)
                    .count();
    observer_.onResponse(request, exchange->route, response.status, ms,
                         exchange->principal.username);
    respond(std::move(response));
  };

  auto found = by_path_.find(request.path);
  if (found == by_path_.end()) found = by_path_.find(parameterPattern(request.path));
  if (found == by_path_.end()) return answer(errorResponse(404, "Endpoint not found"));
  const Route* route = nullptr;
  std::string allow;
  for (const Route* r : found->second) {
    if (r->method == request.method) route = r;
    if (!allow.empty()) allow += ", ";
    allow += methodName(r->method);
  }
  if (route == nullptr) {
    exchange->route = found->second.front()->path;
    if (request.method == Method::kOptions && origin) return answer(CorsPolicy::preflight(allow));
    Response r = errorResponse(405, "Method not allowed");
    r.headers.emplace_back("Allow", allow);
    return answer(std::move(r));
  }
  exchange->route = route->path;

  if (route->access == Access::kPublic) {
    return authenticated(request, *route, auth::AuthResult{auth::AuthOutcome::kAuthenticated},
                         exchange, answer);
  }
  if (route->access == Access::kSignIn) {
    auto credentials = signInCredentials(request);
    if (!credentials) return answer(failureResponse(credentials.failure));
    exchange->authorization = std::move(*credentials);
    exchange->sign_in = true;
  } else if (auto header = request.header("authorization")) {
    exchange->authorization = std::string(*header);
  } else if (auto id = sessionCookie(request)) {
    exchange->authorization = "Session " + *id;
    exchange->by_cookie = true;
  }
  if (auto refused = crossSiteRefusal(request, *exchange)) return answer(std::move(*refused));
  authenticate(request, *route, exchange, answer, &auth::Authenticator::tryFast);
}

// A browser attaches the session cookie, and a password it was once given for Basic, to
// whatever any site's page sends here: changes made with them must come from our own pages
// (or, with Basic, from an origin allowed for CORS). Checked before any password is, so such
// requests cost nothing. Bearer tokens are never attached by a browser on its own.
std::optional<Response> Router::crossSiteRefusal(const Request& request,
                                                 const Exchange& exchange) const {
  if (!changesSomething(request.method) || isBearer(exchange.authorization)) return std::nullopt;
  bool refused = exchange.by_cookie ? !fromOwnOrigin(request)
                                    : fromAnotherSite(request) && !cors_.allowedOrigin(request);
  if (!refused) return std::nullopt;
  return errorResponse(403, exchange.sign_in
                                ? "Cross-site sign-in refused"
                                : "Cross-site request refused: changes with a browser's "
                                  "credentials must come from immersion-tracker's own pages");
}

// Runs one step of authentication here and hands what it cannot decide to the next step on
// its own pool: a store read to the workers, an Argon2id check to the password pool (so a
// stranger's guesses never queue ahead of signed-in users' requests).
void Router::authenticate(const Request& request, const Route& route,
                          const std::shared_ptr<Exchange>& exchange, const Respond& answer,
                          AuthStep step) {
  auth::AuthResult result;
  try {
    result = (authenticator_.*step)(exchange->authorization, request.client_address);
  } catch (const std::exception& e) {  // a store read failed
    telemetry::logError("authentication failed", e.what());
    return answer(errorResponse(500, "Database error"));
  }
  auto next = [&](Execution where, AuthStep then) {
    offload_(where, [this, &request, &route, exchange, answer, then] {
      authenticate(request, route, exchange, answer, then);
    });
  };
  switch (result.outcome) {
    case auth::AuthOutcome::kNeedsStoreRead:
      return next(Execution::kBlocking, &auth::Authenticator::tryWithStore);
    case auth::AuthOutcome::kNeedsPasswordCheck:
      return next(Execution::kPasswordCheck, &auth::Authenticator::verify);
    default:
      return authenticated(request, route, std::move(result), exchange, answer);
  }
}

void Router::authenticated(const Request& request, const Route& route, auth::AuthResult auth,
                           const std::shared_ptr<Exchange>& exchange, const Respond& answer) {
  switch (auth.outcome) {
    case auth::AuthOutcome::kMissing:
      return answer(unauthorized("Authentication required", auth.delay, !fromTheApp(request)));
    case auth::AuthOutcome::kRejected:
      return answer(unauthorized(
          exchange->by_cookie ? "Session expired; sign in again" : "Invalid credentials",
          auth.delay, !exchange->sign_in && !fromTheApp(request)));
    case auth::AuthOutcome::kThrottled:
      return answer(throttledResponse(auth.delay));
    case auth::AuthOutcome::kNeedsStoreRead:  // authenticate() never passes these on
    case auth::AuthOutcome::kNeedsPasswordCheck:
    case auth::AuthOutcome::kAuthenticated:
      break;
  }
  if (route.access == Access::kAdmin && !auth.principal.admin) {
    return answer(errorResponse(403, "Admin access required"));
  }
  if (auth.session_renewed && exchange->by_cookie) {
    exchange->set_cookie =
        sessionCookieHeader(sessionCookie(request).value_or(""), auth::kSessionLifetime,
                            servedOverHttps(request, secure_cookies_));
  }
  // Kept in the exchange: handlers may answer after this frame is gone, and the observer
  // reads the user name from it.
  exchange->principal = std::move(auth.principal);
  // An inline handler given a large body (a TV-progress update is ~100 bytes; 8 MiB of JSON
  // takes ~0.2 s to parse) runs on the workers too, so such bodies cannot hold up the I/O
  // threads.
  constexpr std::size_t kLargestInlineBody = 64 * 1024;
  if (route.execution != Execution::kInline || !inline_allowed_ ||
      request.body.size() > kLargestInlineBody) {
    Execution where =
        route.execution == Execution::kInline ? Execution::kBlocking : route.execution;
    offload_(where, [this, &request, &route, exchange, answer] {
      invoke(request, route, exchange->principal, answer);
    });
    return;
  }
  invoke(request, route, exchange->principal, answer);
}

void Router::invoke(const Request& request, const Route& route, const auth::Principal& principal,
                    const Respond& answer) {
  try {
    route.handler(request, principal, answer);
  } catch (...) {
    Failure failure = currentFailure();
    telemetry::logError(failure.kind == FailureKind::kStorage ? "database error" : "handler failed",
                        failure.message);
    answer(failureResponse(failure));
  }
}

}  // namespace it::http
