// The tests' fake providers (tests/fakes/fake_providers.hpp) as a process of their own, for
// bench/providers.sh: YouTube Data v3 knowing --videos videos ("v0000000000", "v0000000001",
// ...) of --channels channels, on a free loopback port, keeping connections alive as the real
// API does, or closing every connection after its answer with --close; answering each call
// after --delay-ms milliseconds (the provider's own time; none by default).
//
// Prints "port <port>" when it listens; on SIGUSR1 prints "connections <n> videos_calls <n>
// channels_calls <n>" (TCP connections accepted and calls received so far); exits on SIGTERM
// or SIGINT.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "fakes/fake_providers.hpp"

namespace {

// The signals received, one byte each, for main to read (whatever thread the kernel picks
// runs the handler).
int signal_pipe[2];

void onSignal(int signal) {
  char byte = static_cast<char>(signal);
  [[maybe_unused]] ssize_t n = ::write(signal_pipe[1], &byte, 1);
}

int usage() {
  std::cerr << "usage: bench_fake_providers --videos N --channels N [--delay-ms N] [--close]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int videos = 1000;
  int channels = 100;
  int delay_ms = 0;
  bool close = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--close") {
      close = true;
    } else if (arg == "--videos" && i + 1 < argc) {
      videos = std::atoi(argv[++i]);
    } else if (arg == "--channels" && i + 1 < argc) {
      channels = std::atoi(argv[++i]);
    } else if (arg == "--delay-ms" && i + 1 < argc) {
      delay_ms = std::atoi(argv[++i]);
    } else {
      return usage();
    }
  }
  if (videos < 0 || channels <= 0 || delay_ms < 0) return usage();

  if (::pipe(signal_pipe) != 0) return 1;
  struct sigaction action {};
  action.sa_handler = &onSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int signal : {SIGUSR1, SIGTERM, SIGINT}) sigaction(signal, &action, nullptr);

  it::test::FakeProviders fake;
  fake.closeEveryConnection(close);
  if (delay_ms > 0) fake.setDelay("/youtube/", std::chrono::milliseconds(delay_ms));
  for (int c = 0; c < channels; ++c) {
    fake.addChannel("UCbench" + std::to_string(c), "Channel " + std::to_string(c));
  }
  for (int n = 0; n < videos; ++n) {
    char id[16];
    std::snprintf(id, sizeof id, "v%010d", n);
    fake.addVideo(id, std::string("Video ") + id, "UCbench" + std::to_string(n % channels),
                  "Channel", "PT4M13S");
  }
  std::cout << "port " << fake.baseUrl().substr(fake.baseUrl().rfind(':') + 1) << std::endl;

  for (;;) {
    char signal = 0;
    ssize_t n = ::read(signal_pipe[0], &signal, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n != 1 || signal != SIGUSR1) return 0;
    std::cout << "connections " << fake.connectionCount() << " videos_calls "
              << fake.requestCount("/youtube/v3/videos") << " channels_calls "
              << fake.requestCount("/youtube/v3/channels") << std::endl;
  }
}
