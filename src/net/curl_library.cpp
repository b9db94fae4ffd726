#include "net/curl_library.hpp"

#include <dlfcn.h>

#include <string>

namespace it::net {
namespace {

struct Loaded {
  CurlLibrary functions{};
  std::string error;  // empty when loaded
};

template <typename Function>
bool resolve(void* handle, const char* name, Function& into, std::string& error) {
  into = reinterpret_cast<Function>(::dlsym(handle, name));
  if (into == nullptr) error = std::string("libcurl.so.4 lacks ") + name;
  return into != nullptr;
}

Loaded load() {
  Loaded loaded;
  // RTLD_LOCAL: its symbols stay out of the global scope; the handle is never closed, since
  // handles and share objects made by it may live until exit.
  void* handle = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    loaded.error = std::string("libcurl could not be loaded (") +
                   (why != nullptr ? why : "libcurl.so.4") + "); install Debian's libcurl4 package";
    return loaded;
  }
  CurlLibrary& f = loaded.functions;
  std::string& e = loaded.error;
  decltype(&curl_global_init) global_init = nullptr;
  bool all = resolve(handle, "curl_global_init", global_init, e) &&
             resolve(handle, "curl_easy_init", f.easy_init, e) &&
             resolve(handle, "curl_easy_setopt", f.easy_setopt, e) &&
             resolve(handle, "curl_easy_perform", f.easy_perform, e) &&
             resolve(handle, "curl_easy_getinfo", f.easy_getinfo, e) &&
             resolve(handle, "curl_easy_reset", f.easy_reset, e) &&
             resolve(handle, "curl_easy_cleanup", f.easy_cleanup, e) &&
             resolve(handle, "curl_easy_strerror", f.easy_strerror, e) &&
             resolve(handle, "curl_share_init", f.share_init, e) &&
             resolve(handle, "curl_share_setopt", f.share_setopt, e) &&
             resolve(handle, "curl_share_cleanup", f.share_cleanup, e) &&
             resolve(handle, "curl_slist_append", f.slist_append, e) &&
             resolve(handle, "curl_slist_free_all", f.slist_free_all, e) &&
             resolve(handle, "curl_getdate", f.getdate, e);
  // curl_global_init is not thread-safe: it runs here, once, under the static's guard.
  if (all && global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    e = "libcurl's initialisation (curl_global_init) failed";
  }
  return loaded;
}

}  // namespace

const CurlLibrary* curlLibrary(std::string* error) {
  static const Loaded loaded = load();
  if (!loaded.error.empty()) {
    if (error != nullptr) *error = loaded.error;
    return nullptr;
  }
  return &loaded.functions;
}

}  // namespace it::net
