#pragma once

#include <string>
#include <string_view>

namespace it {

// The block of addresses one client is taken to control, for counting what it does (failed
// logins, open connections): an IPv4 address itself, and an IPv6 address's /64, since one
// subscriber is usually given a whole /64 and can send from any address in it. An IPv4-mapped
// IPv6 address ("::ffff:192.0.2.1") counts as its IPv4 address. Text that is no IP address is
// its own block. Pure, thread-safe.
std::string clientBlock(std::string_view address);

}  // namespace it
