#include "client/terminal.hpp"

#include "util/utf8.hpp"

namespace it::client {

TerminalSafeBuffer::int_type TerminalSafeBuffer::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  line_ += traits_type::to_char_type(ch);
  if (ch == '\n') passOn();
  return ch;
}

std::streamsize TerminalSafeBuffer::xsputn(const char* s, std::streamsize n) {
  for (std::streamsize i = 0; i < n; ++i) {
    line_ += s[i];
    if (s[i] == '\n') passOn();
  }
  return n;
}

int TerminalSafeBuffer::sync() {
  passOn();
  target_.flush();
  return 0;
}

void TerminalSafeBuffer::passOn() {
  if (line_.empty()) return;
  target_ << terminalSafe(line_);
  line_.clear();
}

}  // namespace it::client
