// UTF-8 checks for text from outside: log lines, and what the sync client prints.
#include "util/utf8.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "client/terminal.hpp"

namespace it {
namespace {

TEST(Utf8, WellFormedSequencesOnly) {
  EXPECT_TRUE(isValidUtf8("café 君の名は。 🎬"));
  EXPECT_FALSE(isValidUtf8("caf\xe9"));
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xe3\x81"));          // cut short
}

TEST(Utf8, InvalidBytesAreReplacedOneByOne) {
  EXPECT_EQ(withInvalidUtf8Replaced("café"), "café");
  EXPECT_EQ(withInvalidUtf8Replaced("/caf\xe9/\xff\xfe"), "/caf\uFFFD/\uFFFD\uFFFD");
  EXPECT_EQ(withInvalidUtf8Replaced("\xe3\x81"), "\uFFFD\uFFFD");
}

TEST(Utf8, TerminalSafeTextHasNoControlCharacters) {
  EXPECT_EQ(terminalSafe("Free! - 01\tdone\n"), "Free! - 01\tdone\n");
  EXPECT_EQ(terminalSafe("\x1b]52;c;SGVsbG8=\x07"), "]52;c;SGVsbG8=");  // OSC 52: the clipboard
  EXPECT_EQ(terminalSafe("a\x1b[2Jb\rc\x7f"), "a[2Jbc");
  EXPECT_EQ(terminalSafe("\xc2\x9b"
                         "31m\xc2\x85"),
            "31m");  // C1: CSI, NEL
  EXPECT_EQ(terminalSafe("\x9b"
                         "31m"),
            "\uFFFD"
            "31m");  // a lone C1 byte is not UTF-8
  EXPECT_EQ(terminalSafe("ハイキュー!! \xc2\xa0é"), "ハイキュー!! \xc2\xa0é");
}

TEST(TerminalSafeStream, FiltersEachLineAndWhatAFlushPassesOn) {
  std::ostringstream target;
  {
    client::TerminalSafeStream out(target);
    out << "Could not sync video x: \x1b[31mred\x1b[0m\n";
    out << "Tag \x1b"
        << "]0;title\x07 now? " << std::flush;
    EXPECT_EQ(target.str(), "Could not sync video x: [31mred[0m\nTag ]0;title now? ");
    out << "\xe3\x81"
        << "\xaf"
        << "\n";  // a sequence written in pieces stays whole
  }
  EXPECT_EQ(target.str(), "Could not sync video x: [31mred[0m\nTag ]0;title now? は\n");
}

}  // namespace
}  // namespace it
