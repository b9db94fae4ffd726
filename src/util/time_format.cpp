#include "util/time_format.hpp"

#include <cstdio>
#include <ctime>

namespace it {
namespace {

struct Split {
  std::tm tm{};
  long long micros = 0;
};

Split split(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  long long secs = us / 1'000'000;
  long long frac = us % 1'000'000;
  if (frac < 0) {  // before 1970: floor, not truncate
    frac += 1'000'000;
    --secs;
  }
  Split s;
  std::time_t tt = static_cast<std::time_t>(secs);
  gmtime_r(&tt, &s.tm);
  s.micros = frac;
  return s;
}

}  // namespace

std::string formatUtcMicros(std::chrono::system_clock::time_point t) {
  Split s = split(t);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06lld", s.tm.tm_year + 1900,
                s.tm.tm_mon + 1, s.tm.tm_mday, s.tm.tm_hour, s.tm.tm_min, s.tm.tm_sec, s.micros);
  return buf;
}

std::string formatUtcMillisZ(std::chrono::system_clock::time_point t) {
  Split s = split(t);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", s.tm.tm_year + 1900,
                s.tm.tm_mon + 1, s.tm.tm_mday, s.tm.tm_hour, s.tm.tm_min, s.tm.tm_sec,
                s.micros / 1000);
  return buf;
}

}  // namespace it
