#include "telemetry/metrics.hpp"

#include <gtest/gtest.h>

namespace it::telemetry {
namespace {

bool hasLine(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(HttpMetrics, CumulativeBucketsSumAndCount) {
  HttpMetrics m;
  m.record("/r", "GET", 200, 0.0004);
  m.record("/r", "GET", 200, 0.003);
  m.record("/r", "GET", 200, 20.0);  // beyond the last bucket: only +Inf
  m.record("/r", "POST", 400, 0.001);
  std::string text = m.renderPrometheus();
  const std::string l = R"(route="/r",method="GET",status="200")";
  EXPECT_TRUE(hasLine(text, "http_requests_total{" + l + "} 3"));
  EXPECT_TRUE(hasLine(text, "http_request_duration_seconds_bucket{" + l + R"(,le="0.0005"} 1)"));
  EXPECT_TRUE(hasLine(text, "http_request_duration_seconds_bucket{" + l + R"(,le="0.0025"} 1)"));
  EXPECT_TRUE(hasLine(text, "http_request_duration_seconds_bucket{" + l + R"(,le="0.005"} 2)"));
  EXPECT_TRUE(hasLine(text, "http_request_duration_seconds_bucket{" + l + R"(,le="10"} 2)"));
  EXPECT_TRUE(hasLine(text, "http_request_duration_seconds_bucket{" + l + R"(,le="+Inf"} 3)"));
  EXPECT_TRUE(hasLine(text, "http_request_duration_seconds_count{" + l + "} 3"));
  EXPECT_TRUE(
      hasLine(text, R"(http_request_errors_total{route="/r",method="POST",status="400"} 1)"));
  EXPECT_EQ(text.find(R"(http_request_errors_total{)" + l), std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
}

}  // namespace
}  // namespace it::telemetry
