#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "net/http_transport.hpp"

namespace it::net {

// AWS Signature Version 4 of one request, computed by libcurl (CURLOPT_AWS_SIGV4) with the
// current time, or with the request's own X-Amz-Date header when it has one.
struct SigV4Signing {
  std::string region;
  std::string service;  // the signing name: "dynamodb", "secretsmanager", "monitoring"
  std::string access_key_id;
  std::string secret_access_key;
};

// How one exchange is made, beyond the request itself.
struct CurlCallOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{0};  // the whole exchange; 0: none (long polls)
  std::size_t max_response_bytes = 0;          // a longer body fails the call; 0: no limit
  bool accept_compressed = false;              // Accept-Encoding: whatever this libcurl can decode
  std::optional<SigV4Signing> sigv4;
  std::string connect_to;  // a CURLOPT_CONNECT_TO entry ("host:port:addr:port"); tests only
};

// The process's one libcurl client: every outbound HTTP exchange (providers, the sync client,
// AWS, the Lambda Runtime API) goes through send(). It owns a pool of easy handles, each
// handed back reset after its call (so no handle serves two threads at once) with its
// keep-alive connections still open: a handle keeps one connection per host it has called
// (up to libcurl's default of 5 hosts, CURLOPT_MAXCONNECTS), and a call takes the idle handle
// that last called the same scheme, host and port, so calls to one host go over the
// connections already open to it. There are as many handles as calls have ever run at once,
// hence at most that many connections to a host. Every call: TLS verified (with the CA
// bundle of the platform, Amazon Linux's included), http/https only, no redirects followed,
// no 100-continue round trip (except for signed bodies over 1 MiB: libcurl 7.88's signer
// would list the value-less "Expect:" that turns it off without sending it, breaking the
// signature). libcurl is loaded (net/curl_library.hpp) when the first call makes its handle.
// Thread-safe.
//
// Connections are never shared between handles through a CURLSH (CURL_LOCK_DATA_CONNECT):
// libcurl does not support sharing connections between concurrent threads, and its shared
// cache keeps at most 5 connections in all, counting those in use, so with more callers at
// once than that nearly every call opened a new connection.
class CurlClient {
 public:
  enum class Connections {
    // Nothing shared between handles (AWS, where a store's workers call in parallel; the
    // Lambda runtime's single connection).
    kPerHandle,
    // One DNS cache and one TLS session cache for all handles (CURLSH), so that a handle's
    // first connection to a host resumes a session another handle made (the providers).
    kSharedSessions,
  };

  explicit CurlClient(Connections connections);
  ~CurlClient();
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  // Performs `request` as `options` say. GET sends no body; any other method sends `body`
  // (through CURLOPT_POSTFIELDS, which is what libcurl's SigV4 signer hashes), telling
  // `request.upload_progress`, when set, how much of it has gone (CURLOPT_XFERINFOFUNCTION,
  // called many times a second while sending, about once a second while waiting). Returns the
  // answer with any status, or why none came back (a body over max_response_bytes counts as
  // none: "response larger than N bytes").
  TransportResult send(const OutboundRequest& request, const CurlCallOptions& options);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// HttpTransport over a CurlClient with shared TLS sessions: a connect and a total timeout on
// every call, responses larger than max_response_bytes cut off as an error, compressed answers
// accepted. Thread-safe.
class CurlTransport final : public HttpTransport {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds total_timeout{10000};
    std::size_t max_response_bytes = 16 * 1024 * 1024;
  };
  explicit CurlTransport(Options options);
  TransportResult send(const OutboundRequest& request) override;

 private:
  CurlCallOptions options_;
  CurlClient client_;
};

}  // namespace it::net
