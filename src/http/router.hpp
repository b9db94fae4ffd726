#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/authenticator.hpp"
#include "http/cors.hpp"
#include "http/message.hpp"
#include "util/failure.hpp"

namespace it::http {

// Answers a request exactly once, from any thread.
using Respond = std::function<void(Response)>;

// A handler answers through `respond`, at once or later (after a queued write commits, say).
// `request` and `principal` stay valid until it has responded.
using Handler =
    std::function<void(const Request& request, const auth::Principal& principal, Respond respond)>;

// kSignIn: the credentials are the body's {"username", "password"} (POST /api/session),
// checked as a Basic login is (the same throttling, Argon2id on the password pool); the
// handler runs for the user they name.
enum class Access { kPublic, kUser, kAdmin, kSignIn };

// Where a handler may run. kInline: on the I/O thread (it takes microseconds: parsing, point
// reads from an embedded store, queueing a write). kBlocking: on the worker pool (scans,
// store round trips, anything that can wait). kProvider: on a pool of its own, for handlers
// that may call a metadata provider: a provider that answers slowly or not at all then holds
// up only other provider-backed requests, never /progress or the TV endpoints.
// kPasswordCheck: the password pool. The router runs there the Argon2id check of credentials
// it has not verified yet, so a stranger's guesses never queue ahead of the requests of users
// already signed in; so do the handlers that hash or check a password (changing one, adding a
// user).
enum class Execution { kInline, kBlocking, kProvider, kPasswordCheck };

// The most body a route reads (Route::max_body_bytes). Most endpoints take a few fields; only
// the sync endpoints need megabytes, so only they are given the server's limit (its
// max_body_bytes, which the Router is given and also caps every other route's limit with), and
// a request that announces more than its route reads is refused (413) before a byte of its body
// is read. A route whose limit is a setting of its own (POST /api/import: max_import_bytes,
// Route::own_body_limit) is not capped by the server's.
inline constexpr std::size_t kSmallBodyBytes = 64 * 1024;
inline constexpr std::size_t kServerBodyLimit = SIZE_MAX;  // the server's max_body_bytes
// The server's max_body_bytes when the Router is not told another.
inline constexpr std::size_t kDefaultServerBodyBytes = 8 * 1024 * 1024;
// A sign-in's body, {"username", "password"}, is read before anyone is authenticated: it may
// cost a stranger no more than a header.
inline constexpr std::size_t kSignInBodyBytes = 4096;

// A path ending in "/{}" ("/api/tokens/{}") matches any one further segment; the handler reads
// it with Request::lastSegment(). Requests are logged and counted under the pattern.
struct Route {
  Method method;
  std::string path;
  Access access;
  Execution execution;
  Handler handler;
  std::size_t max_body_bytes = kSmallBodyBytes;  // or kServerBodyLimit
  // max_body_bytes is a setting of the route's own, taken as it is: the server's max_body_bytes
  // does not cap it.
  bool own_body_limit = false;
};

// Told about every answered request (logs, metrics). Must be thread-safe.
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void onResponse(const Request& request, std::string_view route, int status,
                          double duration_ms, std::string_view user) = 0;
};

// The one route table, authentication and the error policy, independent of any transport.
// A request without an Authorization header is authenticated by its session cookie, if it
// has one. A request that changes something with the cookie must come from this server's own
// pages (http/session_cookie.hpp), and one with Basic credentials must not come from another
// site's page (unless its origin is allowed for CORS), or it is refused (403), so other sites
// cannot act for a signed-in user. Writes must say their body is JSON (else 415), which no
// HTML form and no "simple" cross-site request can. Thread-safe once built.
//
// A request is answered in two halves, so that strangers cost nothing: admit() decides from
// the request line and headers alone (the route, CORS, the body's announced size against its
// route's limit, authentication, access), and only then does the transport read the body, at
// most the admitted limit, and hand the request to proceed(). dispatch() does both for a
// transport that already holds the whole request (Lambda), refusing a body over its route's
// limit.
class Router {
 public:
  // Runs a task on the pool for `where` (any but kInline). False when that pool's queue is
  // full (the password pool's is bounded) and the task was not queued: the request gets 503.
  using Offload = std::function<bool(Execution where, std::function<void()> task)>;

  // `secure_cookies`: session cookies are Secure even without a TLS proxy saying so.
  // `server_body_bytes`: the server's max_body_bytes, the limit of the routes that say
  // kServerBodyLimit and the cap of every route's limit but those of their own.
  Router(std::vector<Route> routes, auth::Authenticator& authenticator, RequestObserver& observer,
         Offload offload, bool inline_reads_allowed, CorsPolicy cors = {},
         bool secure_cookies = false, std::size_t server_body_bytes = kDefaultServerBodyBytes);

  // The most body any route reads: a transport refuses a longer announced body with the
  // request's head, and its budget for bodies in flight must hold at least one such body.
  std::size_t maxBodyBytes() const { return max_body_bytes_; }

  struct Exchange;
  // What admit() decided. Either `answer` is the final answer (logged and counted already; the
  // body was not needed), or the request may go on: its body is read, at most
  // `max_body_bytes`, and passed to proceed() with this admission.
  struct Admission {
    std::optional<Response> answer;
    std::size_t max_body_bytes = 0;  // the route's limit, at most maxBodyBytes()
    std::shared_ptr<Exchange> exchange;
  };
  using Admit = std::function<void(Admission)>;

  // The first half: decides about `head` (a request whose body has not been read) and calls
  // `admitted` exactly once, from any thread. `head` must stay alive until proceed() has
  // answered (or, for a final answer, until `admitted` has run).
  void admit(const Request& head, Admit admitted);
  // The second half: `request` is the admitted head with its body. Answers it exactly once
  // through `respond`.
  void proceed(const Admission& admission, const Request& request, Respond respond);
  // The answer to an admitted request whose body could not be read (too large, malformed,
  // no room for it): logged and counted like any other answer, with CORS headers.
  Response refuse(const Admission& admission, const Request& request, Response response);

  // Both halves for a request that already holds its whole body: answers `request` exactly once
  // through `respond`; `request` must stay alive until then. A body over the route's limit gets
  // 413.
  void dispatch(const Request& request, Respond respond);

  // One piece of a streamed answer's body: the next piece, nothing after the last, or the
  // failure its producer threw (logged already).
  using Piece = Result<std::optional<std::string>>;
  using Pulled = std::function<void(Piece)>;
  // Asks `producer`, the stream of the answer proceed() gave for `admission`, for its next
  // piece where the route's handler ran (the workers for an inline route: a producer may
  // block), and calls `pulled` with it exactly once, from that pool's thread. A transport asks
  // for a piece only once it has sent the previous one.
  void pull(const Admission& admission, std::shared_ptr<BodyProducer> producer, Pulled pulled);

 private:
  using AuthStep = auth::AuthResult (auth::Authenticator::*)(std::string_view authorization,
                                                             std::string_view client);
  // Called once authentication is decided, from any thread: with the refusal to answer, or
  // with nothing when the caller may go on (their principal is in the exchange).
  using Decided = std::function<void(std::optional<Response> refused)>;
  void authenticate(const Request& request, const std::shared_ptr<Exchange>& exchange,
                    AuthStep step, Decided decided);
  std::optional<Response> refusal(const Request& request, const Route& route,
                                  auth::AuthResult& auth, Exchange& exchange) const;
  void run(const Request& request, const std::shared_ptr<Exchange>& exchange,
           const Respond& answer);
  void invoke(const Request& request, const Route& route, const auth::Principal& principal,
              const Respond& respond);
  Response finish(const Request& request, Exchange& exchange, Response response) const;
  std::optional<Response> crossSiteRefusal(const Request& request, const Exchange& exchange) const;

  std::vector<Route> routes_;
  std::unordered_map<std::string, std::vector<const Route*>> by_path_;
  auth::Authenticator& authenticator_;
  RequestObserver& observer_;
  Offload offload_;
  bool inline_allowed_;
  CorsPolicy cors_;
  bool secure_cookies_;
  std::size_t max_body_bytes_ = 0;
};

}  // namespace it::http
