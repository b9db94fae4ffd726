// Content negotiation of the dashboard's files: which precompressed bytes an Accept-Encoding
// header gets, and when If-None-Match hits.
#include <gtest/gtest.h>

#include "api/web/handlers.hpp"

namespace it::api::web {
namespace {

TEST(ChooseEncoding, PrefersBrotliThenGzipAmongWhatTheFileHas) {
  EXPECT_EQ(chooseEncoding("gzip, deflate, br, zstd", true, true), Encoding::kBrotli);
  EXPECT_EQ(chooseEncoding("gzip, deflate, br", true, false), Encoding::kGzip);
  EXPECT_EQ(chooseEncoding("gzip", true, true), Encoding::kGzip);
  EXPECT_EQ(chooseEncoding("br", true, true), Encoding::kBrotli);
  EXPECT_EQ(chooseEncoding("br", true, false), Encoding::kIdentity);
  EXPECT_EQ(chooseEncoding("", true, true), Encoding::kIdentity);
  EXPECT_EQ(chooseEncoding("deflate, identity", true, true), Encoding::kIdentity);
}

TEST(ChooseEncoding, HonoursQValuesRefusalsAndTheWildcard) {
  EXPECT_EQ(chooseEncoding("gzip;q=1.0, br;q=0.5", true, true), Encoding::kGzip);
  EXPECT_EQ(chooseEncoding("br;q=0, gzip", true, true), Encoding::kGzip);
  EXPECT_EQ(chooseEncoding("br;q=0, gzip;q=0", true, true), Encoding::kIdentity);
  EXPECT_EQ(chooseEncoding("*", true, true), Encoding::kBrotli);
  EXPECT_EQ(chooseEncoding("*;q=0.2, br;q=0", true, true), Encoding::kGzip);
  EXPECT_EQ(chooseEncoding("GZIP ; Q=0.7", true, false), Encoding::kGzip);
  // Malformed q-values count as a refusal, not as a wish.
  EXPECT_EQ(chooseEncoding("br;q=abc, gzip;q=2", true, true), Encoding::kIdentity);
  // Empty elements are skipped; an element with an empty parameter list still counts.
  EXPECT_EQ(chooseEncoding(",,, ;;;, br;", true, true), Encoding::kBrotli);
}

TEST(NoneMatchHits, ComparesTagsWeaklyInAList) {
  EXPECT_TRUE(noneMatchHits("\"abc\"", "\"abc\""));
  EXPECT_TRUE(noneMatchHits("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(noneMatchHits("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(noneMatchHits("*", "\"abc\""));
  EXPECT_FALSE(noneMatchHits("\"abc-gzip\"", "\"abc\""));
  EXPECT_FALSE(noneMatchHits("abc", "\"abc\""));
  EXPECT_FALSE(noneMatchHits("", "\"abc\""));
}

}  // namespace
}  // namespace it::api::web
