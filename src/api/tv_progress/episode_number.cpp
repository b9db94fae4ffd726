#include "api/tv_progress/episode_number.hpp"

#include <boost/json/value.hpp>
#include <cmath>
#include <limits>
#include <string_view>

namespace it::api::tv_progress {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();

NumberCheck fromString(std::string_view s, std::int64_t& out) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return NumberCheck::kNotInteger;
  std::int64_t value = 0;
  bool overflow = false;
  for (char c : s) {
    if (c < '0' || c > '9') return NumberCheck::kNotInteger;
    if (!overflow) {
      value = value * 10 + (c - '0');
      if (value > kMax) overflow = true;
    }
  }
  if (negative && value != 0) return NumberCheck::kNotPositive;
  if (overflow) return NumberCheck::kNotInteger;
  if (value < 1) return NumberCheck::kNotPositive;
  out = value;
  return NumberCheck::kOk;
}

}  // namespace

NumberCheck parseEpisodeNumber(const boost::json::value& v, std::int64_t& out) {
  switch (v.kind()) {
    case boost::json::kind::int64: {
      std::int64_t n = v.get_int64();
      if (n < 1) return NumberCheck::kNotPositive;
      if (n > kMax) return NumberCheck::kNotInteger;
      out = n;
      return NumberCheck::kOk;
    }
    case boost::json::kind::uint64:  // only used for values above INT64_MAX
      return NumberCheck::kNotInteger;
    case boost::json::kind::double_: {
      double d = v.get_double();
      if (!std::isfinite(d) || std::trunc(d) != d) return NumberCheck::kNotInteger;
      if (d < 1) return NumberCheck::kNotPositive;
      if (d > static_cast<double>(kMax)) return NumberCheck::kNotInteger;
      out = static_cast<std::int64_t>(d);
      return NumberCheck::kOk;
    }
    case boost::json::kind::string:
      return fromString(v.get_string(), out);
    default:
      return NumberCheck::kNotInteger;
  }
}

}  // namespace it::api::tv_progress
