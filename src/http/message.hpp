#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace it::http {

// Transport-neutral HTTP messages. The Beast server (and later other front ends) converts to
// and from these, so the router and the handlers never see a socket or a Beast type.

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };

std::string_view methodName(Method m);
Method methodFromName(std::string_view name);

struct Request {
  Method method = Method::kGet;
  std::string method_name;  // as received, for logs when method == kOther
  std::string target;       // raw request target, e.g. "/api/show_user?username=a"
  std::string path;         // percent-decoded path, without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string client_address;  // peer IP, used to slow down repeated auth failures
  std::string request_id;

  // First header with that (lower-case) name.
  std::optional<std::string_view> header(std::string_view lower_name) const;
  // First query parameter with that name.
  std::optional<std::string_view> queryParam(std::string_view name) const;
  // What follows the path's last '/': the parameter of a "/{}" route ("/api/tokens/ab12" ->
  // "ab12").
  std::string_view lastSegment() const {
    std::string_view p = path;
    return p.substr(p.rfind('/') + 1);
  }
};

// Splits "path?query" into a decoded path and decoded parameters ('+' means space, as in
// HTML forms and Flask). Returns false for a target that is not a valid origin-form URI.
bool parseTarget(std::string_view target, std::string& path,
                 std::vector<std::pair<std::string, std::string>>& query);

// Makes a response's body piece by piece, for answers too large to hold in memory (a user's
// whole history). The front end asks for the next piece only once it has sent the previous one,
// so a connection holds one piece at a time however slowly its client reads. next() may block
// (a store read, page by page), so the Beast front end never calls it on an I/O thread but on
// the pool the route's handler ran on (the workers for an inline route): one call at a time,
// not always from the same thread. Dropped once the answer is sent, cut short or abandoned by
// its client, on the connection's I/O thread: its destructor must not block.
class BodyProducer {
 public:
  virtual ~BodyProducer() = default;
  // The next piece of the body (an empty one is skipped), or nothing after the last. A throw
  // cuts the answer short: the client sees a truncated transfer, never a complete one.
  virtual std::optional<std::string> next() = 0;
};

struct Response {
  int status = 200;
  std::string body;
  // Set: the body is these bytes instead of `body`, which must outlive every response
  // (the dashboard's files, embedded in the binary), so they are written without a copy.
  std::string_view static_body;
  // The body's bytes, whichever of the two holds them (not a stream's).
  std::string_view bytes() const {
    return static_body.empty() ? std::string_view(body) : static_body;
  }
  std::string content_type = "application/json; charset=utf-8";  // empty: none (a 204)
  std::vector<std::pair<std::string, std::string>> headers;
  // Not sent: how long the front end should hold the response back (slows down clients that
  // keep failing authentication). Front ends that cannot wait cheaply may ignore it.
  std::chrono::milliseconds delay{0};
  // Set: the body is what this producer makes, sent as it comes (HTTP/1.1 chunked), and `body`
  // is ignored. The Lambda front end, which cannot stream, reads it whole.
  std::shared_ptr<BodyProducer> stream;
};

}  // namespace it::http
