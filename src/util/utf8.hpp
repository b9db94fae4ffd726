#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace it {

// UTF-8 checks for text from outside (request paths, names, provider answers). Pure,
// thread-safe.

// The length of the well-formed UTF-8 sequence starting at text[at] (1-4), or 0 when the
// bytes there are not one (overlongs, surrogates and code points above U+10FFFF are not).
std::size_t utf8SequenceLength(std::string_view text, std::size_t at);

// The code points of UTF-8 `text` (its bytes that do not continue a sequence): the columns it
// takes on a terminal, for padding text that may be Japanese.
std::size_t utf8CodePoints(std::string_view text);

// Well-formed UTF-8 throughout.
bool isValidUtf8(std::string_view text);

// `text` with each byte that is not part of a well-formed sequence replaced by U+FFFD, so it
// can go into JSON (a log line) as it is.
std::string withInvalidUtf8Replaced(std::string_view text);

// `text` made safe to print on a terminal: valid UTF-8 (as above), without control characters
// (C0 but tab and newline, DEL, and C1, U+0080-U+009F), which could move the cursor, rewrite
// the screen or the window title, or set the clipboard (OSC 52).
std::string terminalSafe(std::string_view text);

}  // namespace it
