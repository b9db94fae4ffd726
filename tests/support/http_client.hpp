#pragma once

#include <string>
#include <utility>
#include <vector>

namespace it::test {

struct HttpResult {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string header(const std::string& lower_name) const;
};

// A blocking HTTP/1.1 client over libcurl for tests. Reuses its connection (keep-alive)
// between requests. Not thread-safe: one per thread.
class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sets Basic credentials for the following requests ("" user clears them).
  void setBasicAuth(const std::string& user, const std::string& password);
  void setBearer(const std::string& token);
  void clearAuth();

  HttpResult get(const std::string& path_and_query);
  HttpResult post(const std::string& path, const std::string& body);
  HttpResult request(const std::string& method, const std::string& path_and_query,
                     const std::string& body = "",
                     const std::vector<std::string>& extra_headers = {});

 private:
  std::string base_url_;
  std::string authorization_;
  void* curl_;
};

// Percent-encodes a query parameter value.
std::string urlEncode(const std::string& s);

}  // namespace it::test
