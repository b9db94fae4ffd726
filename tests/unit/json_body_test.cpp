#include "api/json_body.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace it::api {
namespace {

std::string errorOf(std::string_view body) {
  auto r = parseJsonObject(body, "empty!");
  if (r) return "";
  EXPECT_EQ(r.failure.kind, FailureKind::kInvalidRequest);
  return r.failure.message;
}

TEST(JsonBody, FalsyOrBlankBodiesAreEmpty) {
  for (const char* b : {"", "  \n", "{}", "[]", "null", "0", "false", "\"\"", "0.0"}) {
    EXPECT_EQ(errorOf(b), "empty!") << b;
  }
}

TEST(JsonBody, NonJsonAndNonObjects) {
  for (const char* b : {"{", "a=b", "{\"a\":1}x", "{'a':1}", "\"\xff\""}) {
    EXPECT_EQ(errorOf(b), "Request body is not valid JSON") << b;
  }
  for (const char* b : {"[1]", "\"text\"", "42", "true"}) {
    EXPECT_EQ(errorOf(b), "Request body must be a JSON object") << b;
  }
}

TEST(JsonBody, DeepNestingIsRejected) {
  std::string deep = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(errorOf(deep), "Request body is not valid JSON");
}

TEST(JsonBody, ObjectsPass) {
  auto r = parseJsonObject(R"({"a": 1})", "empty!");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->at("a"), 1);
}

}  // namespace
}  // namespace it::api
