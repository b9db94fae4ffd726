#pragma once

#include <chrono>

namespace it {

// How long to wait before retry number `retry_index` (0 for the first retry): a uniform pick
// in [0, cap], where cap is `initial` doubled per retry up to `max` ("full jitter", so that
// many clients do not retry in lockstep). Thread-safe.
std::chrono::milliseconds fullJitterBackoff(std::chrono::milliseconds initial,
                                            std::chrono::milliseconds max, int retry_index);

// libcurl's process-wide initialisation, done once before the first handle; every libcurl
// user calls it first (curl_global_init itself is not thread-safe). Throws on failure.
void initCurlOnce();

// The CA certificates file for libcurl's TLS, or null for libcurl's built-in one:
// CURL_CA_BUNDLE when set (the curl tool's variable, which the library itself ignores), else
// Amazon Linux's bundle where Debian's file is missing (on Lambda). Every libcurl user that
// may speak HTTPS sets it as CURLOPT_CAINFO.
const char* curlCaBundle();

}  // namespace it
