#include "domain/names.hpp"

#include <gtest/gtest.h>

namespace it::domain {
namespace {

TEST(Names, Usernames) {
  for (const char* ok : {"a", "alice", "John_Doe-2.0", "x123"})
    EXPECT_TRUE(isValidUsername(ok)) << ok;
  EXPECT_TRUE(isValidUsername(std::string(64, 'a')));
  EXPECT_FALSE(isValidUsername(std::string(65, 'a')));
  for (const char* bad : {"", "al ice", "alice:", "ali/ce", "élodie", "a\nb", "a@b"}) {
    EXPECT_FALSE(isValidUsername(bad)) << bad;
  }
}

TEST(Names, Utf8) {
  EXPECT_TRUE(isValidUtf8("plain"));
  EXPECT_TRUE(isValidUtf8("進撃の巨人 🎬"));
  EXPECT_FALSE(isValidUtf8("\xff"));
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xe3\x81"));          // truncated
}

TEST(Names, ShowNames) {
  EXPECT_TRUE(isValidShowName("The Office"));
  EXPECT_TRUE(isValidShowName(std::string(512, 'x')));
  EXPECT_FALSE(isValidShowName(std::string(513, 'x')));
  EXPECT_FALSE(isValidShowName(""));
  EXPECT_FALSE(isValidShowName(std::string("Lost\0", 5)));
}

}  // namespace
}  // namespace it::domain
