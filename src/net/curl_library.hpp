#pragma once

#include <curl/curl.h>

#include <string>

namespace it::net {

// The libcurl functions this program calls, from libcurl.so.4 loaded with dlopen when the first
// outbound call is made, not with the program: Debian's libcurl brings 30 shared libraries
// (OpenSSL, GnuTLS, Kerberos, LDAP, SSH, ...) whose loading and relocation took 10 ms of
// every start on a 2-core virtual machine, and 3 MiB of resident memory, which a server whose
// clients never call out, a Lambda function on SQLite and most CLI commands do not need.
// No library Debian packages makes such a table (Implib.so would), hence this one; the types
// come from libcurl's own header, so a changed signature fails to compile.
struct CurlLibrary {
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_perform) easy_perform;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_reset) easy_reset;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_share_init) share_init;
  decltype(&curl_share_setopt) share_setopt;
  decltype(&curl_share_cleanup) share_cleanup;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
  decltype(&curl_getdate) getdate;
};

// libcurl, loaded and initialised (curl_global_init) by the first call of the process, from
// any thread; later calls return the same table. Null when it cannot be loaded or initialised,
// with `error` (when given) saying why in a sentence.
const CurlLibrary* curlLibrary(std::string* error = nullptr);

}  // namespace it::net
