#include "util/client_block.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace it {

std::string clientBlock(std::string_view address) {
  std::string text(address);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    char v4[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &v6.s6_addr[12], v4, sizeof v4) != nullptr) return v4;
    return text;
  }
  std::memset(&v6.s6_addr[8], 0, 8);  // keep the /64
  char block[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, &v6, block, sizeof block) == nullptr) return text;
  return std::string(block) + "/64";
}

}  // namespace it
