#include "domain/time_zone.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

namespace it::domain {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr std::int64_t kDay = 24 * 60 * 60;

std::int64_t utc(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
  const date::sys_seconds tp = date::sys_days{date::year{y} / m / d} + hours{h} + minutes{min};
  return tp.time_since_epoch().count();
}

LocalDay dayOf(int y, unsigned m, unsigned d) {
  return static_cast<LocalDay>(date::sys_days{date::year{y} / m / d}.time_since_epoch().count());
}

// Sets TZ for the life of the object and puts the old value back.
class ScopedTz {
 public:
  explicit ScopedTz(const char* value) {
    if (const char* old = std::getenv("TZ"); old != nullptr) old_ = old;
    ::setenv("TZ", value, 1);
  }
  ~ScopedTz() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

 private:
  std::optional<std::string> old_;
};

TEST(TimeZone, FindsKnownZones) {
  for (const char* name : {"Pacific/Auckland", "UTC", "America/New_York", "Asia/Tokyo"}) {
    const date::time_zone* zone = findTimeZone(name);
    ASSERT_NE(zone, nullptr) << name;
    EXPECT_EQ(zone->name(), name);
  }
}

TEST(TimeZone, UnknownZonesAreNull) {
  for (const char* name : {"", "Mars/Olympus_Mons", "pacific/auckland", "Pacific/Auckland ",
                           "../../etc/passwd", "EST5EDT,M3.2.0,M11.1.0"}) {
    EXPECT_EQ(findTimeZone(name), nullptr) << name;
  }
}

TEST(TimeZone, LocalDayOf) {
  const date::time_zone& auckland = *findTimeZone("Pacific/Auckland");
  const date::time_zone& utc_zone = *findTimeZone("UTC");
  const date::time_zone& ny = *findTimeZone("America/New_York");
  EXPECT_EQ(localDayOf(0, utc_zone), 0);
  EXPECT_EQ(localDayOf(-1, utc_zone), -1);
  EXPECT_EQ(localDayOf(utc(2024, 1, 7, 12), auckland), dayOf(2024, 1, 8));
  EXPECT_EQ(localDayOf(utc(2024, 1, 7, 12), utc_zone), dayOf(2024, 1, 7));
  EXPECT_EQ(localDayOf(utc(2024, 1, 7, 4, 59), ny), dayOf(2024, 1, 6));
  EXPECT_EQ(localDayOf(utc(2024, 1, 7, 5), ny), dayOf(2024, 1, 7));
}

TEST(TimeZone, StartOfLocalDay) {
  const date::time_zone& auckland = *findTimeZone("Pacific/Auckland");
  const date::time_zone& ny = *findTimeZone("America/New_York");
  EXPECT_EQ(startOfLocalDay(dayOf(2024, 1, 8), auckland), utc(2024, 1, 7, 11));  // NZDT
  EXPECT_EQ(startOfLocalDay(dayOf(2024, 7, 8), auckland), utc(2024, 7, 7, 12));  // NZST
  // 2024-03-10 is 23 hours long in New York, 2024-11-03 is 25.
  EXPECT_EQ(startOfLocalDay(dayOf(2024, 3, 11), ny) - startOfLocalDay(dayOf(2024, 3, 10), ny),
            23 * 3600);
  EXPECT_EQ(startOfLocalDay(dayOf(2024, 11, 4), ny) - startOfLocalDay(dayOf(2024, 11, 3), ny),
            25 * 3600);
}

// In Sao Paulo, 2018-11-04 started at 01:00: the clocks jumped from 23:59:59 to 01:00.
TEST(TimeZone, StartOfLocalDayInDstGapIsEndOfGap) {
  const date::time_zone& zone = *findTimeZone("America/Sao_Paulo");
  const std::int64_t start = startOfLocalDay(dayOf(2018, 11, 4), zone);
  EXPECT_EQ(start, utc(2018, 11, 4, 3));  // 01:00 -02
  EXPECT_EQ(localDayOf(start, zone), dayOf(2018, 11, 4));
  EXPECT_EQ(localDayOf(start - 1, zone), dayOf(2018, 11, 3));
}

// In Havana, 00:00 to 01:00 on 2023-11-05 happened twice (CDT, then CST): the day starts at the
// first one.
TEST(TimeZone, StartOfLocalDayWhenMidnightIsAmbiguous) {
  const date::time_zone& zone = *findTimeZone("America/Havana");
  const std::int64_t start = startOfLocalDay(dayOf(2023, 11, 5), zone);
  EXPECT_EQ(start, utc(2023, 11, 5, 4));  // 00:00 CDT
  EXPECT_EQ(localDayOf(start - 1, zone), dayOf(2023, 11, 4));
}

// For every day of several years, in zones with gaps and overlaps at midnight and elsewhere:
// the start of a day is on that day, and the instant before it is on the day before.
TEST(TimeZone, RoundTrips) {
  for (const char* name :
       {"UTC", "Pacific/Auckland", "America/New_York", "America/Sao_Paulo", "America/Havana",
        "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe", "Pacific/Apia"}) {
    const date::time_zone& zone = *findTimeZone(name);
    const bool apia = std::string(name) == "Pacific/Apia";
    for (LocalDay day = dayOf(2010, 1, 1); day <= dayOf(2025, 12, 31); ++day) {
      const std::int64_t start = startOfLocalDay(day, zone);
      if (apia && day == dayOf(2011, 12, 30)) {
        // Samoa skipped this whole day: it "starts" where the next one does.
        EXPECT_EQ(start, startOfLocalDay(day + 1, zone));
        continue;
      }
      ASSERT_EQ(localDayOf(start, zone), day) << name << " " << day;
      const LocalDay previous = localDayOf(start - 1, zone);
      const bool after_skipped_day = apia && day == dayOf(2011, 12, 31);
      ASSERT_EQ(previous, after_skipped_day ? day - 2 : day - 1) << name << " " << day;
      ASSERT_LE(startOfLocalDay(day + 1, zone) - start, 26 * 3600) << name << " " << day;
      ASSERT_GE(startOfLocalDay(day + 1, zone) - start, 0) << name << " " << day;
    }
  }
}

// Dates are written as date::format("%F") writes them, digit by digit, and read back.
TEST(IsoDate, IsWrittenAsDateFormatWritesIt) {
  auto reference = [](LocalDay day) {
    return date::format("%F", date::local_days{date::days{day}});
  };
  // 1900 to 2200 day by day (leap years, 2000, 2100), and the edges of four-digit years.
  for (LocalDay day = dayOf(1900, 1, 1); day <= dayOf(2200, 12, 31); ++day) {
    ASSERT_EQ(formatIsoDate(day), reference(day)) << day;
    ASSERT_EQ(parseIsoDate(formatIsoDate(day)), day) << day;
  }
  for (LocalDay day : {dayOf(0, 1, 1), dayOf(9, 12, 31), dayOf(999, 6, 15), dayOf(9999, 12, 31),
                       dayOf(10000, 1, 1), dayOf(-1, 12, 31), dayOf(-44, 3, 15)}) {
    EXPECT_EQ(formatIsoDate(day), reference(day)) << day;
  }
  EXPECT_EQ(formatIsoDate(0), "1970-01-01");
  EXPECT_EQ(formatIsoDate(dayOf(2024, 2, 29)), "2024-02-29");
}

TEST(TimeZone, MachineTimeZoneNameIsAKnownZone) {
  const std::string name = machineTimeZoneName();
  EXPECT_FALSE(name.empty());
  EXPECT_NE(findTimeZone(name), nullptr) << name;
}

TEST(TimeZone, MachineTimeZoneNameHonoursTz) {
  {
    ScopedTz tz("Pacific/Auckland");
    EXPECT_EQ(machineTimeZoneName(), "Pacific/Auckland");
  }
  {
    ScopedTz tz(":Asia/Tokyo");
    EXPECT_EQ(machineTimeZoneName(), "Asia/Tokyo");
  }
  {
    // Not a zone name: falls back to the system setting, still a usable zone.
    ScopedTz tz("EST5EDT,M3.2.0,M11.1.0");
    EXPECT_NE(findTimeZone(machineTimeZoneName()), nullptr);
  }
}

// A day that begins at 4 a.m. (as in Anki): 3:59 still counts for the day before.
TEST(DayRule, ADayMayBeginAtAnotherHourThanMidnight) {
  const date::time_zone& tokyo = *findTimeZone("Asia/Tokyo");  // UTC+9, no DST
  const DayRule from4(tokyo, 4);
  // 2026-12-02 03:59 in Tokyo is 2026-12-01 18:59 UTC.
  EXPECT_EQ(localDayOf(utc(2026, 12, 1, 18, 59), from4), dayOf(2026, 12, 1));
  EXPECT_EQ(localDayOf(utc(2026, 12, 1, 19, 0), from4), dayOf(2026, 12, 2));
  EXPECT_EQ(localDayOf(utc(2026, 12, 1, 18, 59), DayRule(tokyo)), dayOf(2026, 12, 2));
  EXPECT_EQ(startOfLocalDay(dayOf(2026, 12, 2), from4), utc(2026, 12, 1, 19, 0));
  // The middle of the day: 16:00 for days from 4 a.m., noon for days from midnight.
  EXPECT_EQ(noonOfLocalDay(dayOf(2026, 12, 2), from4), utc(2026, 12, 2, 7, 0));
  EXPECT_EQ(noonOfLocalDay(dayOf(2026, 12, 2), DayRule(tokyo)), utc(2026, 12, 2, 3, 0));
}

TEST(DayRule, ItsKeyNamesTheZoneAndTheHour) {
  EXPECT_EQ(dayRuleKey("Asia/Tokyo", 0), "Asia/Tokyo");
  EXPECT_EQ(dayRuleKey("Asia/Tokyo", 4), "Asia/Tokyo@4");
  auto rule = dayRuleOfKey("Asia/Tokyo@4");
  ASSERT_TRUE(rule.has_value());
  EXPECT_EQ(rule->zone->name(), "Asia/Tokyo");
  EXPECT_EQ(rule->start_hour, 4);
  EXPECT_EQ(dayRuleOfKey("Asia/Tokyo")->start_hour, 0);
  EXPECT_FALSE(dayRuleOfKey("Asia/Tokyo@24").has_value());
  EXPECT_FALSE(dayRuleOfKey("Asia/Tokyo@").has_value());
  EXPECT_FALSE(dayRuleOfKey("Mars/Olympus").has_value());
}

}  // namespace
}  // namespace it::domain
