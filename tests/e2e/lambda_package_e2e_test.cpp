// The AWS Lambda deployment zip (scripts/package-lambda.sh, `make lambda-zip`): built from the
// real binary, unpacked as Lambda does (modes from the zip) and run through its bootstrap
// mechanism with an empty environment, so nothing on the host leaks in.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace it::test {
namespace {

namespace fs = std::filesystem;

// tests/e2e/<this file> -> the repository root, two directories up from tests/e2e.
fs::path repoRoot() { return fs::weakly_canonical(fs::path(__FILE__)).parent_path() / ".." / ".."; }

std::string packageScript() {
  return fs::weakly_canonical(repoRoot() / "scripts" / "package-lambda.sh").string();
}

// Extracts `zip` into `dest` with python3's zipfile, applying the unix modes stored in the zip
// (zipfile's extract drops them; Lambda applies them). Prints "name<TAB>octal mode" per entry.
const char* const kUnzip = R"(
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        mode = (info.external_attr >> 16) & 0o777
        if info.create_system == 3 and mode:
            os.chmod(path, mode)
        print("%s\t%o" % (info.filename, mode))
)";

RunResult package(const std::string& binary, const std::string& zip,
                  const std::vector<std::string>& env = {}) {
  std::vector<std::string> argv{"/usr/bin/env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), {packageScript(), binary, zip});
  return run(argv);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool isExecutable(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXUSR) != 0;
}

// For each "name => /path (0x...)" line of ldd / ld.so --list: name and path ("not found"
// included as a path, so callers see it).
std::vector<std::pair<std::string, std::string>> resolvedLibraries(const std::string& listing) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& line : lines(listing)) {
    auto arrow = line.find(" => ");
    if (arrow == std::string::npos) continue;
    auto name_begin = line.find_first_not_of(" \t");
    std::string name = line.substr(name_begin, arrow - name_begin);
    std::string path = line.substr(arrow + 4);
    if (auto paren = path.find(" ("); paren != std::string::npos) path.resize(paren);
    out.emplace_back(name, path);
  }
  return out;
}

// One zip per test process (ctest runs each test in its own process), unpacked once.
class LambdaPackage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    zip_ = dir_->path() + "/out/immersion-tracker-lambda.zip";
    unpacked_ = dir_->path() + "/unpacked";
    packaged_ = std::make_unique<RunResult>(package(IT_BINARY, zip_));
    if (packaged_->exit_code == 0) {
      unzipped_ = std::make_unique<RunResult>(
          run({"/usr/bin/env", "python3", "-c", kUnzip, zip_, unpacked_}));
    }
  }
  static void TearDownTestSuite() {
    unzipped_.reset();
    packaged_.reset();
    dir_.reset();
  }

  void SetUp() override {
    ASSERT_EQ(packaged_->exit_code, 0) << packaged_->out << packaged_->err;
    ASSERT_TRUE(unzipped_);
    ASSERT_EQ(unzipped_->exit_code, 0) << unzipped_->err;
  }

  static fs::path root() { return unpacked_; }
  static std::string lib() { return unpacked_ + "/lib"; }
  static std::string loader() { return unpacked_ + "/lib/ld-linux-x86-64.so.2"; }
  static std::string binary() { return unpacked_ + "/bin/immersion-tracker"; }

  static std::unique_ptr<TempDir> dir_;
  static std::string zip_;
  static std::string unpacked_;
  static std::unique_ptr<RunResult> packaged_;
  static std::unique_ptr<RunResult> unzipped_;
};

std::unique_ptr<TempDir> LambdaPackage::dir_;
std::string LambdaPackage::zip_;
std::string LambdaPackage::unpacked_;
std::unique_ptr<RunResult> LambdaPackage::packaged_;
std::unique_ptr<RunResult> LambdaPackage::unzipped_;

TEST_F(LambdaPackage, BootstrapIsAtTheZipRootAndExecutablesKeepTheirModes) {
  std::set<std::string> entries;
  for (const auto& line : lines(unzipped_->out)) entries.insert(line);
  EXPECT_TRUE(entries.count("bootstrap\t755")) << unzipped_->out;
  EXPECT_TRUE(entries.count("bin/immersion-tracker\t755")) << unzipped_->out;
  EXPECT_TRUE(entries.count("lib/ld-linux-x86-64.so.2\t755")) << unzipped_->out;
  EXPECT_TRUE(entries.count("lib/libc.so.6\t644")) << unzipped_->out;
  EXPECT_TRUE(entries.count("zoneinfo/Pacific/Auckland\t644")) << unzipped_->out;
  EXPECT_TRUE(isExecutable(root() / "bootstrap"));
  EXPECT_TRUE(isExecutable(binary()));
  EXPECT_TRUE(isExecutable(loader()));

  // The script prints what it bundled and how big the zip is.
  EXPECT_NE(packaged_->out.find("Bundled libraries"), std::string::npos) << packaged_->out;
  EXPECT_NE(packaged_->out.find("libc.so.6"), std::string::npos) << packaged_->out;
  EXPECT_NE(packaged_->out.find(std::to_string(fs::file_size(zip_)) + " bytes"), std::string::npos)
      << packaged_->out;

  // The bootstrap runs the `lambda` subcommand through the bundled loader and libraries, and
  // points libcurl at Amazon Linux's CA bundle when Debian's is missing.
  std::string bootstrap = readFile(root() / "bootstrap");
  EXPECT_EQ(bootstrap.rfind("#!/bin/sh\n", 0), 0u) << bootstrap;
  EXPECT_NE(bootstrap.find("cd \"$root\"\nexec \"$root/lib/ld-linux-x86-64.so.2\" --inhibit-cache "
                           "--library-path \"$root/lib\" \\\n"
                           "  \"$root/bin/immersion-tracker\" lambda \"$@\""),
            std::string::npos)
      << bootstrap;
  EXPECT_NE(bootstrap.find("LAMBDA_TASK_ROOT"), std::string::npos) << bootstrap;
  EXPECT_NE(bootstrap.find("export CURL_CA_BUNDLE=/etc/pki/tls/certs/ca-bundle.crt"),
            std::string::npos)
      << bootstrap;
}

TEST_F(LambdaPackage, LibHoldsTheLoaderLibcAndEveryLibraryLddLists) {
  auto ldd = run({"/usr/bin/env", "ldd", binary()});
  ASSERT_EQ(ldd.exit_code, 0) << ldd.err;
  std::set<std::string> expected{"ld-linux-x86-64.so.2", "libc.so.6"};
  for (const auto& [name, path] : resolvedLibraries(ldd.out)) {
    EXPECT_NE(path, "not found") << name;
    expected.insert(fs::path(name).filename().string());
  }
  EXPECT_GT(expected.size(), 10u) << ldd.out;
  for (const char* name : {"libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"}) {
    EXPECT_TRUE(expected.count(name)) << name << " missing from ldd:\n" << ldd.out;
  }
  // libcurl, which the binary loads with dlopen on its first outbound call, and its closure.
  EXPECT_FALSE(expected.count("libcurl.so.4")) << "the binary links libcurl again:\n" << ldd.out;
  expected.insert("libcurl.so.4");
  auto curl_ldd = run({"/usr/bin/env", "ldd", (fs::path(lib()) / "libcurl.so.4").string()});
  ASSERT_EQ(curl_ldd.exit_code, 0) << curl_ldd.err;
  std::size_t before_curl = expected.size();
  for (const auto& [name, path] : resolvedLibraries(curl_ldd.out)) {
    EXPECT_NE(path, "not found") << name;
    expected.insert(fs::path(name).filename().string());
  }
  EXPECT_GT(expected.size(), before_curl + 10) << curl_ldd.out;  // libcurl brings dozens

  std::set<std::string> bundled;
  for (const auto& entry : fs::directory_iterator(lib())) {
    EXPECT_TRUE(entry.is_regular_file() && !entry.is_symlink()) << entry.path();
    bundled.insert(entry.path().filename().string());
  }
  EXPECT_EQ(bundled, expected);  // all of them, and nothing else

  // The binary copy is stripped: no symbol table, and smaller than the build's binary.
  auto sections = run({"/usr/bin/env", "readelf", "-S", "-W", binary()});
  ASSERT_EQ(sections.exit_code, 0) << sections.err;
  EXPECT_EQ(sections.out.find(".symtab"), std::string::npos);
  EXPECT_LE(fs::file_size(binary()), fs::file_size(IT_BINARY));
}

TEST_F(LambdaPackage, TheBundledLoaderResolvesEveryLibraryInsideLib) {
  const std::string lib_dir = fs::weakly_canonical(lib()).string() + "/";
  auto check = [&](const RunResult& listed, const std::string& label) {
    ASSERT_EQ(listed.exit_code, 0) << label << "\n" << listed.out << listed.err;
    auto resolved = resolvedLibraries(listed.out);
    EXPECT_GT(resolved.size(), 10u) << label << "\n" << listed.out;
    bool saw_libc = false;
    for (const auto& [name, path] : resolved) {
      ASSERT_NE(path, "not found") << label << ": " << name;
      std::string canonical = fs::weakly_canonical(path).string();
      EXPECT_EQ(canonical.rfind(lib_dir, 0), 0u)
          << label << ": " << name << " resolved to " << path << ", outside " << lib_dir;
      saw_libc = saw_libc || name == "libc.so.6";
    }
    EXPECT_TRUE(saw_libc) << label << "\n" << listed.out;
  };
  // With no environment at all (LD_LIBRARY_PATH unset).
  check(run({"/usr/bin/env", "-i", loader(), "--list", "--library-path", lib(), binary()}),
        "env -i");
  // Lambda sets LD_LIBRARY_PATH to the system's directories (/lib64:/usr/lib64:...); here the
  // host's own ones. --library-path overrides it, so they are never searched.
  check(run({"/usr/bin/env", "-i",
             "LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64",
             loader(), "--list", "--library-path", lib(), binary()}),
        "host LD_LIBRARY_PATH");
  // The way bootstrap runs it, which also keeps /etc/ld.so.cache out.
  check(run({"/usr/bin/env", "-i", loader(), "--inhibit-cache", "--list", "--library-path", lib(),
             binary()}),
        "--inhibit-cache");
  // libcurl, as the binary's dlopen finds it (the loader's --library-path applies to it too).
  check(run({"/usr/bin/env", "-i", loader(), "--inhibit-cache", "--list", "--library-path", lib(),
             (fs::path(lib()) / "libcurl.so.4").string()}),
        "libcurl.so.4");
}

TEST_F(LambdaPackage, TheBinaryStartsThroughTheBundledLoaderInAnEmptyEnvironment) {
  auto help = run({"/usr/bin/env", "-i", loader(), "--library-path", lib(), binary(), "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.out << help.err;
  EXPECT_NE(help.out.find("Usage:"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("immersion-tracker"), std::string::npos) << help.out;

  // `bootstrap --help` runs `immersion-tracker lambda --help`: once from its own directory (no
  // LAMBDA_TASK_ROOT), once as on Lambda.
  const std::string bootstrap = (root() / "bootstrap").string();
  auto from_own_dir = run({"/usr/bin/env", "-i", bootstrap, "--help"});
  auto as_on_lambda =
      run({"/usr/bin/env", "-i", "LAMBDA_TASK_ROOT=" + root().string(), bootstrap, "--help"});
  for (const auto* r : {&from_own_dir, &as_on_lambda}) {
    EXPECT_EQ(r->exit_code, 0) << r->out << r->err;
    EXPECT_NE(r->out.find("Usage:"), std::string::npos) << r->out << r->err;
    // --help reaches the `lambda` subcommand: its own help.
    EXPECT_NE(r->out.find("immersion-tracker lambda"), std::string::npos) << r->out;
  }
}

TEST_F(LambdaPackage, RepackagingGivesTheSameZipWithEitherZipTool) {
  const std::string first = readFile(zip_);
  auto again = package(IT_BINARY, zip_);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_EQ(readFile(zip_), first);  // replaced in place, byte for byte the same
  EXPECT_EQ(
      std::distance(fs::directory_iterator(fs::path(zip_).parent_path()), fs::directory_iterator()),
      1);

  // The fallback for machines without `zip`: same entries with the same modes.
  const std::string other = dir_->path() + "/python/lambda.zip";
  auto python = package(IT_BINARY, other, {"LAMBDA_ZIP_TOOL=python3"});
  ASSERT_EQ(python.exit_code, 0) << python.out << python.err;
  EXPECT_NE(python.out.find("zip tool: python3"), std::string::npos) << python.out;
  const std::string python_unpacked = dir_->path() + "/python/unpacked";
  auto listed = run({"/usr/bin/env", "python3", "-c", kUnzip, other, python_unpacked});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  auto sorted = [](const std::string& text) {
    auto v = lines(text);
    return std::set<std::string>(v.begin(), v.end());
  };
  EXPECT_EQ(sorted(listed.out), sorted(unzipped_->out));
  EXPECT_EQ(readFile(python_unpacked + "/bin/immersion-tracker"), readFile(binary()));
}

TEST(LambdaPackageScript, AMissingBinaryIsAClearError) {
  TempDir dir;
  const std::string zip = dir.path() + "/lambda.zip";
  auto missing = package(dir.path() + "/no-such-binary", zip);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("binary not found: " + dir.path() + "/no-such-binary"),
            std::string::npos)
      << missing.err;
  EXPECT_FALSE(fs::exists(zip));

  auto usage = run({packageScript()});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("usage:"), std::string::npos) << usage.err;
}

// provided.al2023 may have no /usr/share/zoneinfo, the only place the system's libdate-tz
// looks: the bundled one reads the zip's zoneinfo/. Checked with the host's database hidden
// under an empty tmpfs in a mount namespace of its own (root only; skipped otherwise), where
// the host's binary cannot even load its configuration.
TEST_F(LambdaPackage, TimeZonesComeFromTheBundledDatabase) {
  const std::string unshare = findInPath("unshare");
  if (::geteuid() != 0 || unshare.empty() || run({unshare, "-m", "/bin/true"}).exit_code != 0) {
    GTEST_SKIP() << "needs root and unshare(1) to hide /usr/share/zoneinfo";
  }
  TempDir data;
  const std::string script =
      "mount -t tmpfs none /usr/share/zoneinfo || exit 99\n"
      "cd \"$1\" || exit 98\n"
      "echo pw | env -i lib/ld-linux-x86-64.so.2 --inhibit-cache --library-path lib "
      "bin/immersion-tracker --data-dir \"$2\" user add bob >/dev/null || exit 97\n"
      "env -i TZ=:Pacific/Auckland lib/ld-linux-x86-64.so.2 --inhibit-cache --library-path lib "
      "bin/immersion-tracker --data-dir \"$2\" user set-timezone bob Europe/Berlin || exit 96\n"
      "\"$3\" --data-dir \"$2\" user list 2>&1 && exit 95\n"
      "exit 0\n";
  auto r =
      run({unshare, "-m", "/bin/sh", "-c", script, "sh", root().string(), data.path(), IT_BINARY});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Progress of bob is now computed in Europe/Berlin"), std::string::npos)
      << r.out << r.err;
  // Without it, the host's binary finds no zone at all.
  EXPECT_NE(r.out.find("is not a time zone of the tz database"), std::string::npos)
      << r.out << r.err;
}

}  // namespace
}  // namespace it::test
