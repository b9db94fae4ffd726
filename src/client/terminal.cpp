#include "client/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

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

void TerminalSafeBuffer::rewriteLine(std::string_view text) {
  passOn();
  target_ << '\r' << terminalSafe(text);
  target_.flush();
}

namespace {

// Where the code point after the first `count` of `text` starts.
std::size_t byteOfCodePoint(std::string_view text, std::size_t count) {
  std::size_t at = 0;
  for (std::size_t seen = 0; at < text.size(); ++at) {
    if ((static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;
    if (seen++ == count) break;
  }
  return at;
}

// `text` within `width` code points: its start and its end around "...".
std::string shortened(std::string_view text, std::size_t width) {
  std::size_t length = utf8CodePoints(text);
  if (length <= width) return std::string(text);
  if (width <= 3) return std::string(text.substr(0, byteOfCodePoint(text, width)));
  std::size_t head = (width - 3) / 2;
  std::size_t tail = width - 3 - head;
  return std::string(text.substr(0, byteOfCodePoint(text, head))) + "..." +
         std::string(text.substr(byteOfCodePoint(text, length - tail)));
}

// `label`, shortened to fit, then the bar of `done` of `total`, its percentage and `amounts`.
std::string barLine(std::string_view label, std::uint64_t done, std::uint64_t total,
                    std::size_t columns, std::string_view amounts) {
  constexpr std::size_t kCells = 20;
  if (total == 0) done = total = 1;
  done = std::min(done, total);
  // Whole numbers, rounded down; scaled so that done * 100 fits in 64 bits.
  std::uint64_t scaled_done = done;
  std::uint64_t scaled_total = total;
  while (scaled_total > (std::uint64_t{1} << 56)) {
    scaled_done >>= 1;
    scaled_total >>= 1;
  }
  auto cells = static_cast<std::size_t>(scaled_done * kCells / scaled_total);
  auto percent = static_cast<int>(scaled_done * 100 / scaled_total);
  if (done < total) {  // never a full bar, nor 100%, before the end
    cells = std::min(cells, kCells - 1);
    percent = std::min(percent, 99);
  }
  char numbers[32];
  std::snprintf(numbers, sizeof numbers, "] %3d%%  ", percent);
  std::string bar = "  [" + std::string(cells, '#') + std::string(kCells - cells, '.') + numbers;
  bar += amounts;
  std::size_t room = columns > bar.size() ? columns - bar.size() : 0;
  return shortened(label, room) + bar;
}

// 100000 as "100,000".
std::string withThousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

}  // namespace

std::string progressBar(std::string_view label, std::uint64_t done, std::uint64_t total,
                        std::size_t columns) {
  constexpr std::uint64_t kMiB = 1024 * 1024;
  done = std::min(done, total);
  const bool in_mib = total >= kMiB;
  const double unit = in_mib ? static_cast<double>(kMiB) : 1024.0;
  char sizes[80];
  std::snprintf(sizes, sizeof sizes, "%.1f / %.1f %s", static_cast<double>(done) / unit,
                static_cast<double>(total) / unit, in_mib ? "MiB" : "KiB");
  return barLine(label, done, total, columns, sizes);
}

std::string countProgressBar(std::string_view label, std::uint64_t done, std::uint64_t total,
                             std::size_t columns) {
  done = std::min(done, total);
  return barLine(label, done, total, columns, withThousands(done) + " of " + withThousands(total));
}

std::size_t progressColumns() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1) {
    return static_cast<std::size_t>(size.ws_col) - 1;
  }
  return 79;
}

bool ProgressLine::due() const {
  return !last_draw_ || std::chrono::steady_clock::now() - *last_draw_ >= interval_;
}

void ProgressLine::draw(std::string_view text, bool force) {
  if (!force && !due()) return;
  last_draw_ = std::chrono::steady_clock::now();
  std::string line = terminalSafe(text);  // as it will show, to measure it
  std::size_t width = utf8CodePoints(line);
  if (open_ && width < last_width_) line.append(last_width_ - width, ' ');  // the old tail
  last_width_ = width;
  open_ = true;
  if (auto* safe = dynamic_cast<TerminalSafeBuffer*>(out_.rdbuf())) {
    safe->rewriteLine(line);
  } else {
    out_ << '\r' << line << std::flush;
  }
}

void ProgressLine::finish() {
  if (!open_) return;
  open_ = false;
  last_width_ = 0;
  out_ << '\n' << std::flush;
}

}  // namespace it::client
