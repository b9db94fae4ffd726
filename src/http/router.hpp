#pragma once

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

// A path ending in "/{}" ("/api/tokens/{}") matches any one further segment; the handler reads
// it with Request::lastSegment(). Requests are logged and counted under the pattern.
struct Route {
  Method method;
  std::string path;
  Access access;
  Execution execution;
  Handler handler;
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
// cannot act for a signed-in user. Thread-safe once built.
class Router {
 public:
  // Runs a task on the pool for `where` (any but kInline).
  using Offload = std::function<void(Execution where, std::function<void()> task)>;

  // `secure_cookies`: session cookies are Secure even without a TLS proxy saying so.
  Router(std::vector<Route> routes, auth::Authenticator& authenticator, RequestObserver& observer,
         Offload offload, bool inline_reads_allowed, CorsPolicy cors = {},
         bool secure_cookies = false);

  // Answers `request` exactly once through `respond`; `request` must stay alive until then.
  void dispatch(const Request& request, Respond respond);

 private:
  struct Exchange;
  using AuthStep = auth::AuthResult (auth::Authenticator::*)(std::string_view authorization,
                                                             std::string_view client);
  void authenticate(const Request& request, const Route& route,
                    const std::shared_ptr<Exchange>& exchange, const Respond& answer,
                    AuthStep step);
  void authenticated(const Request& request, const Route& route, auth::AuthResult auth,
                     const std::shared_ptr<Exchange>& exchange, const Respond& answer);
  void invoke(const Request& request, const Route& route, const auth::Principal& principal,
              const Respond& respond);
  std::optional<Response> crossSiteRefusal(const Request& request, const Exchange& exchange) const;

  std::vector<Route> routes_;
  std::unordered_map<std::string, std::vector<const Route*>> by_path_;
  auth::Authenticator& authenticator_;
  RequestObserver& observer_;
  Offload offload_;
  bool inline_allowed_;
  CorsPolicy cors_;
  bool secure_cookies_;
};

}  // namespace it::http
