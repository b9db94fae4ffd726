#include "util/retry.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>

namespace it {

std::chrono::milliseconds fullJitterBackoff(std::chrono::milliseconds initial,
                                            std::chrono::milliseconds max, int retry_index) {
  auto cap = initial;
  for (int i = 0; i < retry_index && cap < max; ++i) cap *= 2;
  cap = std::min(cap, max);
  if (cap <= std::chrono::milliseconds::zero()) return std::chrono::milliseconds::zero();
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::chrono::milliseconds::rep> pick(0, cap.count());
  return std::chrono::milliseconds(pick(rng));
}

const char* curlCaBundle() {
  static const std::string bundle = [] {
    if (const char* set = std::getenv("CURL_CA_BUNDLE"); set != nullptr && *set != '\0') {
      return std::string(set);
    }
    // Debian's libcurl knows only Debian's path; Amazon Linux (Lambda) keeps its own.
    if (::access("/etc/ssl/certs/ca-certificates.crt", R_OK) != 0 &&
        ::access("/etc/pki/tls/certs/ca-bundle.crt", R_OK) == 0) {
      return std::string("/etc/pki/tls/certs/ca-bundle.crt");
    }
    return std::string();
  }();
  return bundle.empty() ? nullptr : bundle.c_str();
}

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

}  // namespace it
