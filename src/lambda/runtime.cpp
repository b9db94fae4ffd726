#include "lambda/runtime.hpp"

#include <curl/curl.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstdlib>
#include <exception>

#include "telemetry/log.hpp"
#include "util/retry.hpp"

namespace it::lambda {
namespace {

std::size_t onBody(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct Headers {
  std::string request_id;
  std::string trace_id;
};

std::size_t onHeader(char* data, std::size_t size, std::size_t n, void* user) {
  std::string_view line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() &&
           (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    auto* headers = static_cast<Headers*>(user);
    if (name == "lambda-runtime-aws-request-id") headers->request_id = value;
    if (name == "lambda-runtime-trace-id") headers->trace_id = value;
  }
  return size * n;
}

std::string errorBody(const std::string& type, const std::string& message) {
  return boost::json::serialize(boost::json::object{
      {"errorMessage", message}, {"errorType", type}, {"stackTrace", boost::json::array{}}});
}

}  // namespace

struct RuntimeApi::Impl {
  std::string base;
  CURL* curl = nullptr;

  // One request on the kept handle (and connection). Returns the status, 0 on failure.
  long perform(const std::string& path, const std::string* post_body, std::string& body,
               Headers* headers, const std::string& error_type = "") {
    curl_easy_reset(curl);
    std::string url = base + path;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    // No timeout: next() waits as long as Lambda keeps the sandbox frozen.
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 0L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    if (headers != nullptr) {
      curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &onHeader);
      curl_easy_setopt(curl, CURLOPT_HEADERDATA, headers);
    }
    curl_slist* list = nullptr;
    if (post_body != nullptr) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(post_body->size()));
      list = curl_slist_append(list, "Content-Type: application/json");
      list = curl_slist_append(list, "Expect:");
      if (!error_type.empty()) {
        list =
            curl_slist_append(list, ("Lambda-Runtime-Function-Error-Type: " + error_type).c_str());
      }
      curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    }
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
      telemetry::logWarn("lambda runtime API unreachable",
                         {{"path", path}, {"error", curl_easy_strerror(rc)}});
    }
    return status;
  }
};

RuntimeApi::RuntimeApi(std::string host_port) : impl_(new Impl) {
  initCurlOnce();
  impl_->base = "http://" + host_port + "/2018-06-01";
  impl_->curl = curl_easy_init();
}

RuntimeApi::~RuntimeApi() {
  if (impl_->curl != nullptr) curl_easy_cleanup(impl_->curl);
  delete impl_;
}

std::optional<Invocation> RuntimeApi::next() {
  std::string body;
  Headers headers;
  long status = impl_->perform("/runtime/invocation/next", nullptr, body, &headers);
  if (status != 200 || headers.request_id.empty()) {
    if (status != 0) {
      telemetry::logWarn("lambda runtime API refused next",
                         {{"status", std::to_string(status)}, {"body", body.substr(0, 200)}});
    }
    return std::nullopt;
  }
  return Invocation{std::move(headers.request_id), std::move(body), std::move(headers.trace_id)};
}

long RuntimeApi::answer(const std::string& request_id, const Outcome& outcome) {
  std::string ignored;
  if (!outcome.failed) {
    return impl_->perform("/runtime/invocation/" + request_id + "/response", &outcome.body, ignored,
                          nullptr);
  }
  std::string body = errorBody(outcome.error_type, outcome.error_message);
  return impl_->perform("/runtime/invocation/" + request_id + "/error", &body, ignored, nullptr,
                        outcome.error_type);
}

long RuntimeApi::initError(const std::string& error_type, const std::string& message) {
  std::string body = errorBody(error_type, message);
  std::string ignored;
  return impl_->perform("/runtime/init/error", &body, ignored, nullptr, error_type);
}

int runLoop(RuntimeApi& api, const std::function<Outcome(const Invocation&)>& handle) {
  for (;;) {
    std::optional<Invocation> invocation = api.next();
    if (!invocation) return 1;
    // The X-Ray trace of this invocation, for anything that propagates it.
    if (!invocation->trace_id.empty()) {
      ::setenv("_X_AMZN_TRACE_ID", invocation->trace_id.c_str(), 1);
    }
    Outcome outcome;
    try {
      outcome = handle(*invocation);
    } catch (const std::exception& e) {
      outcome = Outcome{true, "", "Runtime.HandlerError", e.what()};
    }
    long status = api.answer(invocation->request_id, outcome);
    if (status == 500 || status == 0) return 1;  // Lambda says: stop (or is gone)
    if (status != 202) {
      telemetry::logWarn("lambda answer refused", {{"status", std::to_string(status)},
                                                   {"request_id", invocation->request_id}});
    }
  }
}

}  // namespace it::lambda
