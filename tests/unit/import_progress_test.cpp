// `immersion-tracker import FILE` on a terminal: the progress bar's text, the line it is
// redrawn on, and what the command prints with a transport that reports the upload's progress
// (on a terminal, and off one, where the output is what it always was).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "client/api_client.hpp"
#include "client/export_command.hpp"
#include "client/terminal.hpp"
#include "net/http_transport.hpp"
#include "support/temp_dir.hpp"
#include "util/utf8.hpp"

namespace it::client {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kMiB = 1024 * 1024;

std::size_t codePoints(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

TEST(ProgressBar, ShowsTheShareDoneAsCellsPercentAndSizes) {
  // 45% of 12 MiB (rounded down: 9 cells of 20).
  EXPECT_EQ(progressBar("Importing f.json", 5'662'311, 12 * kMiB),
            "Importing f.json  [#########...........]  45%  5.4 / 12.0 MiB");
  EXPECT_EQ(progressBar("Importing f.json", 0, 12 * kMiB),
            "Importing f.json  [....................]   0%  0.0 / 12.0 MiB");
  EXPECT_EQ(progressBar("Importing f.json", 12 * kMiB, 12 * kMiB),
            "Importing f.json  [####################] 100%  12.0 / 12.0 MiB");
  // Below 1 MiB, in KiB.
  EXPECT_EQ(progressBar("x", 512, 2048), "x  [#####...............]  25%  0.5 / 2.0 KiB");
}

TEST(ProgressBar, IsNeverFullBeforeTheEnd) {
  // 99.99...%: not yet 100%, nor a full bar.
  EXPECT_EQ(progressBar("x", 12 * kMiB - 1, 12 * kMiB),
            "x  [###################.]  99%  12.0 / 12.0 MiB");
  // More than the total is all of it; nothing to send is all done.
  EXPECT_EQ(progressBar("x", 5000, 2048), "x  [####################] 100%  2.0 / 2.0 KiB");
  EXPECT_EQ(progressBar("x", 0, 0), "x  [####################] 100%  0.0 / 0.0 KiB");
  // Sizes whose percentage would overflow 64 bits.
  EXPECT_EQ(progressBar("x", UINT64_MAX / 2, UINT64_MAX).substr(0, 30),
            "x  [#########...........]  49%");
}

TEST(ProgressBar, ALongLabelIsShortenedInTheMiddleToFitTheColumns) {
  const std::string label = "Importing /home/me/exports/immersion-tracker-alice-2025-01-15.json";
  std::string line = progressBar(label, kMiB, 12 * kMiB, 70);
  EXPECT_EQ(line, "Importing /...-01-15.json  [#...................]   8%  1.0 / 12.0 MiB");
  EXPECT_EQ(codePoints(line), 70u);
  // Room enough: as it is.
  EXPECT_EQ(progressBar(label, kMiB, 12 * kMiB, 200).rfind(label + "  [#", 0), 0u);
  // Multi-byte names are cut between characters, and counted by character.
  line = progressBar("Importing ハイキュー!!ハイキュー!!ハイキュー!!.json", 0, 100, 50);
  EXPECT_TRUE(isValidUtf8(line)) << line;
  EXPECT_EQ(codePoints(line), 50u) << line;
}

TEST(ProgressLine, RedrawsInPlaceAtMostOncePerIntervalThroughTheFilter) {
  std::ostringstream target;
  {
    TerminalSafeStream out(target);
    out << "Before: ";  // passed on before the first draw
    ProgressLine line(out, 1h);
    EXPECT_TRUE(line.due());
    line.draw("a longer \x1b[2Jline");  // the first: drawn, its escape filtered
    EXPECT_FALSE(line.due());
    line.draw("skipped");  // too soon
    line.draw("short", /*force=*/true);
    line.finish();
    line.finish();  // once
    out << "After\n";
  }
  EXPECT_EQ(target.str(), "Before: \ra longer [2Jline\rshort           \nAfter\n");
}

TEST(ProgressLine, WorksOnAPlainStreamAndEndsItsLineWhenDestroyed) {
  std::ostringstream out;
  {
    ProgressLine line(out, 0ms);
    line.draw("10%");
    line.draw("100%");
  }
  EXPECT_EQ(out.str(), "\r10%\r100%\n");
  std::ostringstream none;
  { ProgressLine line(none); }
  EXPECT_EQ(none.str(), "");
}

// Reports the upload's progress as libcurl does (0 of 0 first, then the body in pieces, then
// all of it while the answer is awaited), then answers `status` with `body`.
class UploadingTransport : public net::HttpTransport {
 public:
  UploadingTransport(long status, std::string body, bool sends_all = true)
      : status_(status), body_(std::move(body)), sends_all_(sends_all) {}

  net::TransportResult send(const net::OutboundRequest& request) override {
    had_progress = static_cast<bool>(request.upload_progress);
    if (request.upload_progress) {
      const std::uint64_t size = request.body.size();
      request.upload_progress(0, 0);
      request.upload_progress(size / 3, size);
      if (sends_all_) {
        request.upload_progress(size, size);
        request.upload_progress(size, size);
      }
    }
    net::TransportResult result;
    result.response = net::OutboundResponse{status_, body_, {}};
    return result;
  }

  bool had_progress = false;

 private:
  long status_;
  std::string body_;
  bool sends_all_;
};

class ImportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.path() + "/export.json";
    std::ofstream(file_) << R"({"format": "immersion-tracker-export"})" << std::string(3000, ' ');
  }

  static constexpr const char* kReport =
      R"({"items_added": 3, "items_present": 1, "logs_added": 2, "logs_present": 0,
          "tv_progress_updated": 1, "shows_tagged": 0, "language_choices": 0})";
  static constexpr const char* kSummary =
      "Imported 3 items and 2 logs (1 items and 0 logs were there already); 1 shows' TV progress "
      "updated.\n";

  test::TempDir dir_;
  std::string file_;
};

TEST_F(ImportCommandTest, OffATerminalOnlyTheSummaryIsPrinted) {
  UploadingTransport transport(200, kReport);
  ApiClient api(ServerLogin{"http://127.0.0.1:9", "alice", "pw", ""}, transport);
  std::ostringstream out;
  EXPECT_EQ(runImport(api, file_, out, /*on_terminal=*/false), 0);
  EXPECT_EQ(out.str(), kSummary);
  EXPECT_FALSE(transport.had_progress);
}

TEST_F(ImportCommandTest, OnATerminalABarWhileItGoesThenALineWhileTheServerWorks) {
  UploadingTransport transport(200, kReport);
  ApiClient api(ServerLogin{"http://127.0.0.1:9", "alice", "pw", ""}, transport);
  std::ostringstream target;
  {
    TerminalSafeStream out(target);
    EXPECT_EQ(runImport(api, file_, out, /*on_terminal=*/true), 0);
  }
  EXPECT_TRUE(transport.had_progress);
  const std::string printed = target.str();
  const std::string label = "Importing " + file_;
  const std::uint64_t size = 3000 + std::string(R"({"format": "immersion-tracker-export"})").size();
  const std::size_t columns = progressColumns();
  // The empty bar at once (the reports that follow within 100 ms are skipped), the full one
  // once all has gone, each drawn over the line; then the wait, then the summary.
  const std::string first = "\r" + progressBar(label, 0, size, columns);
  const std::string last = "\r" + progressBar(label, size, size, columns);
  EXPECT_EQ(printed.rfind(first, 0), 0u) << printed;
  const std::string end = last + "\nChecking and writing...\n" + kSummary;
  ASSERT_GE(printed.size(), end.size()) << printed;
  EXPECT_EQ(printed.substr(printed.size() - end.size()), end) << printed;
  EXPECT_EQ(printed.find("Checking"), printed.rfind("Checking")) << printed;
}

// The transport answered before it said all had gone: the bar is finished all the same.
TEST_F(ImportCommandTest, OnATerminalTheBarIsFinishedWhenTheAnswerComesFirst) {
  UploadingTransport transport(200, kReport, /*sends_all=*/false);
  ApiClient api(ServerLogin{"http://127.0.0.1:9", "alice", "pw", ""}, transport);
  std::ostringstream out;
  EXPECT_EQ(runImport(api, file_, out, /*on_terminal=*/true), 0);
  EXPECT_NE(out.str().find("] 100%"), std::string::npos) << out.str();
  const std::string end = std::string("\nChecking and writing...\n") + kSummary;
  EXPECT_EQ(out.str().substr(out.str().size() - end.size()), end) << out.str();
}

// A refusal ends the bar's line, so that the error is printed on a line of its own.
TEST_F(ImportCommandTest, OnATerminalARefusalEndsTheBarsLine) {
  UploadingTransport transport(413, R"({"error": "Request body too large"})", false);
  ApiClient api(ServerLogin{"http://127.0.0.1:9", "alice", "pw", ""}, transport);
  std::ostringstream out;
  try {
    runImport(api, file_, out, /*on_terminal=*/true);
    FAIL() << "no error";
  } catch (const ClientError& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 413: Request body too large"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(out.str().rfind("\rImporting ", 0), 0u) << out.str();
  EXPECT_EQ(out.str().back(), '\n');
  EXPECT_EQ(out.str().find("Checking"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace it::client
