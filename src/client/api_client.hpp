#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_transport.hpp"

namespace it::client {

// A failure the sync client cannot get past, described in one plain sentence.
class ClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The server refused a request's body as too large (HTTP 413: over its max_body_bytes, or
// over what a gateway in front of it takes), whatever the answer's body says. A sync sends the
// items again in smaller requests (sync/common.hpp).
class RequestTooLarge : public ClientError {
 public:
  using ClientError::ClientError;
};

// Where the server is and who we are: Basic credentials (what the original client sent) or
// an API token.
struct ServerLogin {
  std::string url;  // e.g. "http://127.0.0.1:8080" (a path prefix is kept)
  std::string user;
  std::string password;
  std::string token;
};

// The immersion API over HTTP. Like the original client it sends ?user=<name> (when the user
// is known) and JSON bodies. Not thread-safe.
class ApiClient {
 public:
  ApiClient(ServerLogin login, net::HttpTransport& transport);

  struct Reply {
    long status = 0;
    boost::json::object body;
  };

  // Sends `method` `path` (e.g. "sync") with `body` (none when null) and `headers` ("Name:
  // value"). Returns the answer when its status is 200 or one of `also_ok` (a 204's body is an
  // empty object); otherwise, or when the server cannot be reached or answers something that
  // is not a JSON object, throws ClientError (RequestTooLarge for a 413 not in `also_ok`).
  Reply call(std::string_view method, std::string_view path,
             const boost::json::value& body = nullptr, std::initializer_list<long> also_ok = {},
             const std::vector<std::string>& headers = {});
  // GET `path` and the body of its 200 as it is (an export: JSON or CSV); throws ClientError as
  // call() does.
  std::string download(std::string_view path);
  // POST `path` with a body that is JSON text already (an export file, a sync's batch, sent as
  // it is); the answer as call() gives it, with `also_ok` as there. `progress`, when set, is
  // told how much of the body has gone (see net::UploadProgress), on this thread.
  Reply postJsonText(std::string_view path, std::string json_text,
                     net::UploadProgress progress = {}, std::initializer_list<long> also_ok = {});

 private:
  // Sends the request; the answer when its status is 200 or one of `also_ok`, else throws.
  net::OutboundResponse exchange(std::string_view method, std::string_view path,
                                 std::optional<std::string> json_body,
                                 std::initializer_list<long> also_ok,
                                 const std::vector<std::string>& headers,
                                 net::UploadProgress progress = {});
  // A successful answer's JSON object; throws ClientError when it is not one.
  Reply replyOf(std::string_view method, std::string_view path,
                const net::OutboundResponse& response) const;

  ServerLogin login_;
  net::HttpTransport& transport_;
};

}  // namespace it::client
