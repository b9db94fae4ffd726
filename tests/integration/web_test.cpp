// The web dashboard's files as served by the real server over HTTP: its pages answer
// index.html (revalidated), hashed assets are cached for a year, each has an ETag that a
// matching If-None-Match turns into a 304, and the precompressed bytes go to clients that
// accept them. API paths keep their JSON answers. Runs with the bundle this build embeds (the
// real dashboard, or the placeholder page of a build without it).
#include <gtest/gtest.h>

#include <algorithm>

#include "api/web/bundle.hpp"
#include "integration/server_fixture.hpp"

namespace it::test {
namespace {

using api::web::EmbeddedFile;

const EmbeddedFile& fileAt(std::string_view path) {
  const auto& files = api::web::embeddedBundle().files;
  auto found = std::find_if(files.begin(), files.end(),
                            [&](const EmbeddedFile& f) { return f.path == path; });
  if (found == files.end()) throw std::runtime_error("no embedded file " + std::string(path));
  return *found;
}

// The files other than index.html (none in a build without the dashboard).
std::vector<const EmbeddedFile*> assets() {
  std::vector<const EmbeddedFile*> out;
  for (const auto& f : api::web::embeddedBundle().files) {
    if (f.path != "/index.html") out.push_back(&f);
  }
  return out;
}

class WebTest : public ServerTest {
 protected:
  void SetUp() override {
    // Nothing here touches the store: once is enough.
    if (onDynamoDb()) GTEST_SKIP() << "the dashboard's files do not depend on the store";
    ServerTest::SetUp();
    client_ = std::make_unique<HttpClient>(baseUrl());
  }

  std::unique_ptr<HttpClient> client_;
};

TEST_F(WebTest, EveryPageAnswersTheIndexToBeRevalidated) {
  const EmbeddedFile& index = fileAt("/index.html");
  for (std::string_view page : api::web::embeddedBundle().page_paths) {
    auto r = client_->get(std::string(page));
    ASSERT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.header("cache-control"), "no-cache");
    EXPECT_EQ(r.header("etag"), index.etag);
    EXPECT_EQ(r.body, index.identity) << page;
    EXPECT_NE(r.header("content-security-policy").find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  }
}

TEST_F(WebTest, AMatchingETagAnswers304WithoutABody) {
  auto first = client_->get("/");
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("etag");
  ASSERT_FALSE(etag.empty());

  auto again = client_->request("GET", "/", "", {"If-None-Match: " + etag});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("etag"), etag);
  EXPECT_EQ(again.header("cache-control"), "no-cache");

  // A list, a weak tag and "*" match too; another tag does not.
  EXPECT_EQ(client_->request("GET", "/", "", {"If-None-Match: \"x\", W/" + etag}).status, 304);
  EXPECT_EQ(client_->request("GET", "/", "", {"If-None-Match: *"}).status, 304);
  EXPECT_EQ(client_->request("GET", "/", "", {"If-None-Match: \"another\""}).status, 200);
}

TEST_F(WebTest, HashedAssetsAreImmutableAndSentCompressedWhenAccepted) {
  auto files = assets();
  if (files.empty()) GTEST_SKIP() << "this build has no dashboard (IT_WEB_DASHBOARD=OFF)";
  bool some_compressed = false;
  for (const EmbeddedFile* file : files) {
    std::string path(file->path);
    auto plain = client_->get(path);
    ASSERT_EQ(plain.status, 200) << path;
    EXPECT_EQ(plain.header("cache-control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(plain.header("content-type"), file->content_type);
    EXPECT_EQ(plain.header("content-encoding"), "");
    EXPECT_EQ(plain.header("vary"), "Accept-Encoding");
    EXPECT_EQ(plain.body, file->identity);

    auto gzip = client_->request("GET", path, "", {"Accept-Encoding: gzip, deflate"});
    auto brotli = client_->request("GET", path, "", {"Accept-Encoding: gzip, deflate, br"});
    if (!file->gzip.empty()) {
      EXPECT_EQ(gzip.header("content-encoding"), "gzip") << path;
      EXPECT_EQ(gzip.body, file->gzip);
      EXPECT_LT(gzip.body.size(), plain.body.size());
      EXPECT_NE(gzip.header("etag"), plain.header("etag"));
      some_compressed = true;
    }
    if (!file->brotli.empty()) {
      EXPECT_EQ(brotli.header("content-encoding"), "br") << path;
      EXPECT_EQ(brotli.body, file->brotli);
      // Each representation revalidates with its own tag.
      auto revalidated = client_->request(
          "GET", path, "", {"Accept-Encoding: br", "If-None-Match: " + brotli.header("etag")});
      EXPECT_EQ(revalidated.status, 304);
    }
  }
  EXPECT_TRUE(some_compressed) << "the JavaScript and CSS are precompressed";
}

TEST_F(WebTest, ApiPathsKeepTheirJsonAnswers) {
  for (const char* path : {"/no-such-page", "/assets/no-such-file.js", "/api/nothing"}) {
    auto r = client_->get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body, R"({"error":"Endpoint not found"})") << path;
  }
  // The original's GET /shows is the API's, not a page.
  auto shows = client_->get("/shows");
  EXPECT_EQ(shows.status, 401);
  EXPECT_EQ(shows.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(client_->get("/healthz").body, R"({"status":"ok"})");
}

}  // namespace
}  // namespace it::test
