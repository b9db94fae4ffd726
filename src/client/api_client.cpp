#include "client/api_client.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "util/encoding.hpp"
#include "util/json.hpp"

namespace it::client {
namespace {

// The server's {"error": ...} (or the original's {"message": ...}), else the start of the body.
std::string errorOf(const net::OutboundResponse& response) {
  if (auto v = parseJson(response.body); v && v->is_object()) {
    for (const char* key : {"error", "message"}) {
      if (auto text = stringAt(v->get_object(), key)) return *text;
    }
  }
  std::string text = response.body.substr(0, 200);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text.empty() ? "no details" : text;
}

// "GET /api/logs": a request as messages name it, without its query.
std::string describe(std::string_view method, std::string_view path) {
  return std::string(method) + " /" + std::string(path.substr(0, path.find('?')));
}

}  // namespace

ApiClient::ApiClient(ServerLogin login, net::HttpTransport& transport)
    : login_(std::move(login)), transport_(transport) {
  login_.url = trimSlash(login_.url);
}

net::OutboundResponse ApiClient::exchange(std::string_view method, std::string_view path,
                                          std::optional<std::string> json_body,
                                          std::initializer_list<long> also_ok,
                                          const std::vector<std::string>& headers,
                                          net::UploadProgress progress) {
  net::OutboundRequest request;
  request.method = std::string(method);
  request.url = login_.url + "/" + std::string(path);
  if (!login_.user.empty()) {
    request.url += (path.find('?') == std::string_view::npos ? "?user=" : "&user=") +
                   percentEncode(login_.user);
  }
  request.headers = {"Accept: application/json;charset=UTF-8"};
  if (!login_.token.empty()) {
    request.headers.push_back("Authorization: Bearer " + login_.token);
  } else {
    request.headers.push_back("Authorization: Basic " +
                              base64Encode(login_.user + ":" + login_.password));
  }
  request.headers.insert(request.headers.end(), headers.begin(), headers.end());
  if (json_body) {
    request.headers.push_back("Content-Type: application/json;charset=UTF-8");
    request.body = std::move(*json_body);
  }
  request.upload_progress = std::move(progress);

  net::TransportResult result = transport_.send(request);
  if (!result.response) {
    throw ClientError("cannot reach the server at " + login_.url + ": " + result.error);
  }
  net::OutboundResponse& response = *result.response;
  if (response.status == 401) {
    throw ClientError("the server at " + login_.url + " refused the credentials" +
                      (login_.token.empty() ? " of user " + login_.user +
                                                  " (check IMMERSION_TRACKER_USER and "
                                                  "IMMERSION_TRACKER_PASSWORD)"
                                            : " (check the token)"));
  }
  bool ok = response.status == 200 ||
            std::find(also_ok.begin(), also_ok.end(), response.status) != also_ok.end();
  if (!ok) {
    std::string message = describe(method, path) + " failed with HTTP " +
                          std::to_string(response.status) + ": " + errorOf(response);
    if (response.status == 413) throw RequestTooLarge(message);
    throw ClientError(message);
  }
  return std::move(response);
}

ApiClient::Reply ApiClient::call(std::string_view method, std::string_view path,
                                 const boost::json::value& body,
                                 std::initializer_list<long> also_ok,
                                 const std::vector<std::string>& headers) {
  net::OutboundResponse response = exchange(
      method, path, body.is_null() ? std::nullopt : std::optional(boost::json::serialize(body)),
      also_ok, headers);
  return replyOf(method, path, response);
}

ApiClient::Reply ApiClient::postJsonText(std::string_view path, std::string json_text,
                                         net::UploadProgress progress,
                                         std::initializer_list<long> also_ok) {
  net::OutboundResponse response =
      exchange("POST", path, std::move(json_text), also_ok, {}, std::move(progress));
  return replyOf("POST", path, response);
}

ApiClient::Reply ApiClient::replyOf(std::string_view method, std::string_view path,
                                    const net::OutboundResponse& response) const {
  if (response.status == 204) return Reply{204, {}};
  auto parsed = parseJson(response.body);
  if (!parsed || !parsed->is_object()) {
    throw ClientError(describe(method, path) +
                      " answered something that is not a JSON object; is " + login_.url +
                      " an immersion-tracker server?");
  }
  return Reply{response.status, std::move(parsed->get_object())};
}

std::string ApiClient::download(std::string_view path) {
  return std::move(exchange("GET", path, std::nullopt, {}, {}).body);
}

}  // namespace it::client
