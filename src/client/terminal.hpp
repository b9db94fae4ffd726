#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace it::client {

// An output buffer in front of a terminal: what the client prints includes names and messages
// that came from the server or a provider (show titles, channel names, errors), which must not
// be able to move the cursor, rewrite the screen or set the clipboard. Each line goes on to
// `target` through terminalSafe() (util/utf8.hpp), whole: a UTF-8 sequence never spans a
// newline. A flush (a prompt) passes on what has been written so far. Not thread-safe.
class TerminalSafeBuffer : public std::streambuf {
 public:
  explicit TerminalSafeBuffer(std::ostream& target) : target_(target) {}
  ~TerminalSafeBuffer() override { sync(); }
  TerminalSafeBuffer(const TerminalSafeBuffer&) = delete;
  TerminalSafeBuffer& operator=(const TerminalSafeBuffer&) = delete;

  // Passes on what has been written, then goes back to the start of the terminal's line (a
  // carriage return, which no text written through the buffer can send) and writes `text`,
  // filtered, over it; flushes. For a line redrawn in place (ProgressLine).
  void rewriteLine(std::string_view text);
  // The stream it writes to (std::cout for the client's standard output).
  const std::ostream& target() const { return target_; }

 protected:
  int_type overflow(int_type ch) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  void passOn();

  std::ostream& target_;
  std::string line_;
};

// An ostream over a TerminalSafeBuffer.
class TerminalSafeStream : public std::ostream {
 public:
  explicit TerminalSafeStream(std::ostream& target) : std::ostream(nullptr), buffer_(target) {
    rdbuf(&buffer_);
  }

 private:
  TerminalSafeBuffer buffer_;
};

// A progress bar of at most `columns` columns (code points), for a line of the terminal:
// "Importing f.json  [#########...........]  45%  5.4 / 12.0 MiB": `label`, shortened in the
// middle ("...") when the line would be longer, a bar of 20 cells filled in proportion to
// `done` of `total`, the percentage (rounded down: 100% only when all is done) and both sizes
// in KiB, or MiB from 1 MiB on, with one decimal. A `total` of 0 is all done. Pure.
std::string progressBar(std::string_view label, std::uint64_t done, std::uint64_t total,
                        std::size_t columns = 79);

// The same bar for a number of items: "Syncing episodes  [########............]  40%  40,000 of
// 100,000" (the counts with thousands separators). Pure.
std::string countProgressBar(std::string_view label, std::uint64_t done, std::uint64_t total,
                             std::size_t columns = 79);

// The columns of the terminal standard output is on, less one (a line that fills the width
// wraps on some terminals, and a carriage return then goes back to the wrong line); 79 when it
// cannot tell.
std::size_t progressColumns();

// One line of a terminal redrawn in place: each draw goes back to the line's start and writes
// its text over the last one (padded with spaces where it is shorter), through the stream's
// TerminalSafeBuffer when it has one (the text is filtered, the carriage return is not). At most
// one draw per `interval`, so that a caller may report progress as often as it likes: the
// first draw and a forced one always. finish() (or the destructor) ends the line with a
// newline, if anything was drawn. Not thread-safe.
class ProgressLine {
 public:
  explicit ProgressLine(std::ostream& out,
                        std::chrono::milliseconds interval = std::chrono::milliseconds(100))
      : out_(out), interval_(interval) {}
  ~ProgressLine() { finish(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // False when a draw now would be skipped (too soon after the last one): the caller need not
  // make its text.
  bool due() const;
  void draw(std::string_view text, bool force = false);
  void finish();

 private:
  std::ostream& out_;
  std::chrono::milliseconds interval_;
  std::optional<std::chrono::steady_clock::time_point> last_draw_;
  bool open_ = false;           // a line is drawn and not finished yet
  std::size_t last_width_ = 0;  // code points
};

}  // namespace it::client
