#include "api/tv_progress/episode_number.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace it::api::tv_progress {
namespace {

NumberCheck check(const char* json_text, std::int64_t* value = nullptr) {
  std::int64_t out = -1;
  NumberCheck c = parseEpisodeNumber(boost::json::parse(json_text), out);
  if (value != nullptr) *value = out;
  return c;
}

TEST(EpisodeNumber, AcceptsIntegersIntegerStringsAndIntegralFloats) {
  struct Case {
    const char* json;
    std::int64_t expected;
  } cases[] = {{"1", 1},      {"2147483647", 2147483647},
               {"\"3\"", 3},  {"\" 7 \"", 7},
               {"\"+8\"", 8}, {"\"007\"", 7},
               {"3.0", 3},    {"1e3", 1000}};
  for (const auto& c : cases) {
    std::int64_t v = 0;
    EXPECT_EQ(check(c.json, &v), NumberCheck::kOk) << c.json;
    EXPECT_EQ(v, c.expected) << c.json;
  }
}

TEST(EpisodeNumber, RejectsNonIntegers) {
  for (const char* j :
       {"1.5", "\"3.5\"", "true", "false", "\"\"", "\"abc\"", "[]", "{}", "2147483648",
        "9223372036854775808", "1e300", "\"2147483648\"", "\"1_000\"", "\"0x10\"", "\" \""}) {
    EXPECT_EQ(check(j), NumberCheck::kNotInteger) << j;
  }
}

TEST(EpisodeNumber, RejectsZeroAndNegatives) {
  for (const char* j : {"0", "-1", "-2147483649", "\"0\"", "\"-3\"", "-0.0", "-5.0", "\"-0\""}) {
    EXPECT_EQ(check(j), NumberCheck::kNotPositive) << j;
  }
}

}  // namespace
}  // namespace it::api::tv_progress
