#include "domain/iso_duration.hpp"

#include <gtest/gtest.h>

namespace it::domain {
namespace {

TEST(IsoDuration, YoutubeForms) {
  EXPECT_EQ(parseIsoDurationSeconds("PT3M33S"), 213);
  EXPECT_EQ(parseIsoDurationSeconds("PT45S"), 45);
  EXPECT_EQ(parseIsoDurationSeconds("PT1H"), 3600);
  EXPECT_EQ(parseIsoDurationSeconds("PT1H2M3S"), 3723);
  EXPECT_EQ(parseIsoDurationSeconds("P1DT2H"), 93600);
  EXPECT_EQ(parseIsoDurationSeconds("P1DT2H3M4S"), 93784);
  EXPECT_EQ(parseIsoDurationSeconds("P2W"), 2 * 7 * 86400);
  EXPECT_EQ(parseIsoDurationSeconds("P1W2D"), 9 * 86400);
  EXPECT_EQ(parseIsoDurationSeconds("P3D"), 3 * 86400);
  EXPECT_EQ(parseIsoDurationSeconds("PT0S"), 0);
}

TEST(IsoDuration, LiveStreamsAreZero) { EXPECT_EQ(parseIsoDurationSeconds("P0D"), 0); }

TEST(IsoDuration, FractionalSecondsAreTruncated) {
  EXPECT_EQ(parseIsoDurationSeconds("PT1.9S"), 1);
  EXPECT_EQ(parseIsoDurationSeconds("PT2M0.5S"), 120);
}

TEST(IsoDuration, RejectsInvalidForms) {
  for (const char* text :
       {"",      "P",     "PT",     "P1DT",   "T1H",    "1H",     "PT1",    "PT-1S", "-PT1S",
        "PT1.S", "PT.5S", "PT1.5M", "PT1M1H", "PT1S1S", "P1D1W",  "P1M",    "P1Y",   "PT1H ",
        " PT1H", "pt1h",  "PT1HxS", "PTS",    "P1DT2",  "PT1,5S", "garbage"}) {
    EXPECT_EQ(parseIsoDurationSeconds(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(IsoDuration, RejectsOverflow) {
  EXPECT_EQ(parseIsoDurationSeconds("PT99999999999999999999S"), std::nullopt);
  EXPECT_EQ(parseIsoDurationSeconds("PT9223372036854775807H"), std::nullopt);
  EXPECT_EQ(parseIsoDurationSeconds("P9223372036854775807W"), std::nullopt);
  EXPECT_EQ(parseIsoDurationSeconds("PT9223372036854775807S"), 9223372036854775807);
  EXPECT_EQ(parseIsoDurationSeconds("PT9223372036854775807M1S"), std::nullopt);
}

}  // namespace
}  // namespace it::domain
