// What counts as one client, for failed logins and open connections.
#include "util/client_block.hpp"

#include <gtest/gtest.h>

namespace it {
namespace {

TEST(ClientBlock, AnIpv4AddressIsItsOwnBlock) {
  EXPECT_EQ(clientBlock("192.0.2.1"), "192.0.2.1");
  EXPECT_NE(clientBlock("192.0.2.1"), clientBlock("192.0.2.2"));
}

TEST(ClientBlock, AnIpv6AddressCountsAsItsSlash64) {
  EXPECT_EQ(clientBlock("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  // Every address a subscriber's /64 holds is one client.
  EXPECT_EQ(clientBlock("2001:db8:1:2::1"), clientBlock("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  EXPECT_NE(clientBlock("2001:db8:1:2::1"), clientBlock("2001:db8:1:3::1"));
  EXPECT_EQ(clientBlock("::1"), "::/64");
}

TEST(ClientBlock, AnIpv4MappedAddressCountsAsItsIpv4Address) {
  EXPECT_EQ(clientBlock("::ffff:192.0.2.1"), "192.0.2.1");
}

TEST(ClientBlock, TextThatIsNoAddressIsItsOwnBlock) {
  EXPECT_EQ(clientBlock("unknown"), "unknown");
  EXPECT_EQ(clientBlock(""), "");
}

}  // namespace
}  // namespace it
