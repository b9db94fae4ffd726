#pragma once

#include <ostream>
#include <streambuf>
#include <string>

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

}  // namespace it::client
