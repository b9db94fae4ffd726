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

// Per-request state shared by the continuations of one request, from admit() to the answer.
struct Router::Exchange {
  std::atomic<bool> answered{false};
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::string_view route_path = "unmatched";
  const Route* route = nullptr;
  std::optional<std::string> origin;  // allowed for CORS
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

// POST, PUT and PATCH carry what they change in their body.
bool writesABody(Method method) {
  return method == Method::kPost || method == Method::kPut || method == Method::kPatch;
}

// Content-Type: application/json, with or without parameters. An HTML form cannot send it,
// and a cross-site script can only with a CORS preflight, which other sites do not pass.
bool saysJson(const Request& request) {
  auto type = request.header("content-type");
  if (!type) return false;
  std::string_view media = type->substr(0, type->find(';'));
  return equalsIgnoringCase(trimSpacesAndTabs(media), "application/json");
}

// The body's length, as the Content-Length header announces it (none when chunked).
std::optional<std::uint64_t> announcedLength(const Request& request) {
  auto header = request.header("content-length");
  if (!header) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : trimSpacesAndTabs(*header)) {
    if (c < '0' || c > '9' || n > UINT64_MAX / 10 - 1) return UINT64_MAX;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

Response bodyTooLarge() { return errorResponse(413, "Request body too large"); }

// The password pool's queue is full: answered at once, without hashing anything, so a flood of
// new logins (from many addresses, which the per-client throttle does not slow) costs a queue
// of bounded length, never a growing wait for everyone signing in.
Response busyResponse() {
  Response r = errorResponse(503, "Too many sign-ins are being checked; try again in a moment");
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

bool isBearer(std::string_view authorization) {
  return authorization.size() > 7 && startsWithIgnoringCase(authorization, "bearer ");
}

// A sign-in's body, {"username", "password"}, as Basic credentials.
Result<std::string> signInCredentials(const Request& request) {
  const std::string shape = R"(Request body must be a JSON object with "username" and "password")";
  if (request.body.size() > kSignInBodyBytes) return Failure{FailureKind::kInvalidRequest, shape};
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
               CorsPolicy cors, bool secure_cookies, std::size_t server_body_bytes)
    : routes_(std::move(routes)),
      authenticator_(authenticator),
      observer_(observer),
      offload_(std::move(offload)),
      inline_allowed_(inline_reads_allowed),
      cors_(std::move(cors)),
      secure_cookies_(secure_cookies) {
  // Every route's limit as a number, so that each announced length is checked against it
  // before anything else, and a transport knows the most body it may have to read.
  for (Route& r : routes_) {
    if (r.access == Access::kSignIn) r.max_body_bytes = kSignInBodyBytes;
    if (r.max_body_bytes == kServerBodyLimit) r.max_body_bytes = server_body_bytes;
    if (!r.own_body_limit) r.max_body_bytes = std::min(r.max_body_bytes, server_body_bytes);
    max_body_bytes_ = std::max(max_body_bytes_, r.max_body_bytes);
  }
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
  admit(request, [this, &request, respond = std::move(respond)](Admission admission) {
    if (admission.answer) return respond(std::move(*admission.answer));
    if (request.body.size() > admission.max_body_bytes) {
      return respond(refuse(admission, request, bodyTooLarge()));
    }
    proceed(admission, request, respond);
  });
}

void Router::admit(const Request& head, Admit admitted) {
  auto exchange = std::make_shared<Exchange>();
  exchange->origin = cors_.allowedOrigin(head);
  auto answer = [&](Response response) {
    exchange->answered = true;
    admitted(Admission{finish(head, *exchange, std::move(response)), 0, nullptr});
  };

  auto found = by_path_.find(head.path);
  if (found == by_path_.end()) found = by_path_.find(parameterPattern(head.path));
  if (found == by_path_.end()) return answer(errorResponse(404, "Endpoint not found"));
  const Route* route = nullptr;
  std::string allow;
  for (const Route* r : found->second) {
    if (r->method == head.method) route = r;
    if (!allow.empty()) allow += ", ";
    allow += methodName(r->method);
  }
  if (route == nullptr) {
    exchange->route_path = found->second.front()->path;
    if (head.method == Method::kOptions && exchange->origin) {
      return answer(CorsPolicy::preflight(allow));
    }
    Response r = errorResponse(405, "Method not allowed");
    r.headers.emplace_back("Allow", allow);
    return answer(std::move(r));
  }
  exchange->route = route;
  exchange->route_path = route->path;

  const std::size_t max_body = route->max_body_bytes;
  if (auto length = announcedLength(head); length && *length > max_body) {
    return answer(bodyTooLarge());
  }
  // Every check below needs the caller, and none of them the body.
  auto go_on = [this, &head, exchange, max_body, admitted](std::optional<Response> refused) {
    if (!refused && writesABody(head.method) && !saysJson(head)) {
      refused = errorResponse(415, "Content-Type must be application/json");
    }
    if (refused) {
      exchange->answered = true;
      return admitted(Admission{finish(head, *exchange, std::move(*refused)), 0, nullptr});
    }
    admitted(Admission{std::nullopt, max_body, exchange});
  };
  if (route->access == Access::kPublic) return go_on(std::nullopt);
  if (route->access == Access::kSignIn) {
    // The credentials are in the body: authenticated in proceed().
    exchange->sign_in = true;
    return go_on(crossSiteRefusal(head, *exchange));
  }
  if (auto header = head.header("authorization")) {
    exchange->authorization = std::string(*header);
  } else if (auto id = sessionCookie(head)) {
    exchange->authorization = "Session " + *id;
    exchange->by_cookie = true;
  }
  if (auto refused = crossSiteRefusal(head, *exchange)) return answer(std::move(*refused));
  authenticate(head, exchange, &auth::Authenticator::tryFast, std::move(go_on));
}

void Router::proceed(const Admission& admission, const Request& request, Respond respond) {
  std::shared_ptr<Exchange> exchange = admission.exchange;
  // Every answer goes through here: exactly once, observed (logged, counted), then sent.
  Respond answer = [this, &request, exchange, respond = std::move(respond)](Response response) {
    if (exchange->answered.exchange(true)) return;
    respond(finish(request, *exchange, std::move(response)));
  };
  if (!exchange->sign_in) return run(request, exchange, answer);
  auto credentials = signInCredentials(request);
  if (!credentials) return answer(failureResponse(credentials.failure));
  exchange->authorization = std::move(*credentials);
  authenticate(request, exchange, &auth::Authenticator::tryFast,
               [this, &request, exchange, answer](std::optional<Response> refused) {
                 if (refused) return answer(std::move(*refused));
                 run(request, exchange, answer);
               });
}

Response Router::refuse(const Admission& admission, const Request& request, Response response) {
  admission.exchange->answered = true;
  return finish(request, *admission.exchange, std::move(response));
}

// What every answer gets on its way out: the CORS headers of an allowed origin, the renewed
// session's cookie; then it is logged and counted.
Response Router::finish(const Request& request, Exchange& exchange, Response response) const {
  if (exchange.origin) CorsPolicy::allow(response, *exchange.origin);
  bool sets_cookie = std::any_of(response.headers.begin(), response.headers.end(),
                                 [](const auto& h) { return h.first == "Set-Cookie"; });
  if (exchange.set_cookie && !sets_cookie) {
    response.headers.emplace_back("Set-Cookie", *exchange.set_cookie);
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - exchange.start)
          .count();
  observer_.onResponse(request, exchange.route_path, response.status, ms,
                       exchange.principal.username);
  return response;
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
// stranger's guesses never queue ahead of signed-in users' requests). `decided` gets the
// refusal, or nothing once the caller is known (in the exchange).
void Router::authenticate(const Request& request, const std::shared_ptr<Exchange>& exchange,
                          AuthStep step, Decided decided) {
  auth::AuthResult result;
  try {
    result = (authenticator_.*step)(exchange->authorization, request.client_address);
  } catch (const std::exception& e) {  // a store read failed
    telemetry::logError("authentication failed", e.what());
    return decided(errorResponse(500, "Database error"));
  }
  auto next = [&](Execution where, AuthStep then) {
    // `decided` is kept for a refusal: a task that was not queued has not taken it.
    auto shared = std::make_shared<Decided>(std::move(decided));
    if (!offload_(where, [this, &request, exchange, then, shared] {
          authenticate(request, exchange, then, *shared);
        })) {
      (*shared)(busyResponse());
    }
  };
  switch (result.outcome) {
    case auth::AuthOutcome::kNeedsStoreRead:
      return next(Execution::kBlocking, &auth::Authenticator::tryWithStore);
    case auth::AuthOutcome::kNeedsPasswordCheck:
      return next(Execution::kPasswordCheck, &auth::Authenticator::verify);
    default:
      return decided(refusal(request, *exchange->route, result, *exchange));
  }
}

// The answer refusing a caller whose authentication has been decided, or nothing (and the
// caller's principal in the exchange) when they may go on.
std::optional<Response> Router::refusal(const Request& request, const Route& route,
                                        auth::AuthResult& auth, Exchange& exchange) const {
  switch (auth.outcome) {
    case auth::AuthOutcome::kMissing:
      return unauthorized("Authentication required", auth.delay, !fromTheApp(request));
    case auth::AuthOutcome::kRejected:
      return unauthorized(
          exchange.by_cookie ? "Session expired; sign in again" : "Invalid credentials", auth.delay,
          !exchange.sign_in && !fromTheApp(request));
    case auth::AuthOutcome::kThrottled:
      return throttledResponse(auth.delay);
    case auth::AuthOutcome::kNeedsStoreRead:  // authenticate() never passes these on
    case auth::AuthOutcome::kNeedsPasswordCheck:
    case auth::AuthOutcome::kAuthenticated:
      break;
  }
  if (route.access == Access::kAdmin && !auth.principal.admin) {
    return errorResponse(403, "Admin access required");
  }
  if (auth.session_renewed && exchange.by_cookie) {
    exchange.set_cookie =
        sessionCookieHeader(sessionCookie(request).value_or(""), auth::kSessionLifetime,
                            servedOverHttps(request, secure_cookies_));
  }
  // Kept in the exchange: handlers may answer after this frame is gone, and the observer
  // reads the user name from it.
  exchange.principal = std::move(auth.principal);
  return std::nullopt;
}

// Runs the admitted request's handler where its route says.
void Router::run(const Request& request, const std::shared_ptr<Exchange>& exchange,
                 const Respond& answer) {
  const Route& route = *exchange->route;
  // An inline handler given a large body (a TV-progress update is ~100 bytes; 8 MiB of JSON
  // takes ~0.2 s to parse) runs on the workers too, so such bodies cannot hold up the I/O
  // threads.
  constexpr std::size_t kLargestInlineBody = 64 * 1024;
  if (route.execution != Execution::kInline || !inline_allowed_ ||
      request.body.size() > kLargestInlineBody) {
    Execution where =
        route.execution == Execution::kInline ? Execution::kBlocking : route.execution;
    if (!offload_(where, [this, &request, &route, exchange, answer] {
          invoke(request, route, exchange->principal, answer);
        })) {
      answer(busyResponse());
    }
    return;
  }
  invoke(request, route, exchange->principal, answer);
}

void Router::pull(const Admission& admission, std::shared_ptr<BodyProducer> producer,
                  Pulled pulled) {
  const Route* route = admission.exchange ? admission.exchange->route : nullptr;
  Execution where = route == nullptr || route->execution == Execution::kInline
                        ? Execution::kBlocking
                        : route->execution;
  // `pulled` is kept for a refusal: a task that was not queued has not taken it.
  auto shared = std::make_shared<Pulled>(std::move(pulled));
  auto next = [producer = std::move(producer), shared] {
    Piece piece = Piece::success(std::nullopt);
    try {
      piece = Piece::success(producer->next());
    } catch (...) {
      Failure failure = currentFailure();
      telemetry::logError(
          failure.kind == FailureKind::kStorage ? "database error in a stream" : "stream failed",
          failure.message);
      piece = std::move(failure);
    }
    (*shared)(std::move(piece));
  };
  if (!offload_(where, std::move(next))) {
    telemetry::logError("stream failed", "its pool's queue is full");
    (*shared)(Failure{FailureKind::kInternal, "the pool's queue is full"});
  }
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
