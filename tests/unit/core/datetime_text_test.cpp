// DATETIME(6) text from microseconds since the epoch, as MariaDB writes it in a UTC session: the
// order path reads its datetimes back that way instead of through Connector/C++'s snprintf.
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <huicai/core/mysql/datetime_text.hpp>
#include <random>
#include <string>

using huicai::mysql::datetime_text;

namespace {

// The slow way, through the C library, for comparison.
std::string through_gmtime(std::int64_t micros) {
  std::int64_t seconds = micros / 1'000'000;
  std::int64_t fraction = micros % 1'000'000;
  if (fraction < 0) {
    fraction += 1'000'000;
    --seconds;
  }
  const std::time_t at = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&at, &utc);
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(fraction));
  return text;
}

}  // namespace

TEST_CASE("datetime text: fixed points, leap days and the ends of days and years", "[core]") {
  CHECK(datetime_text(0) == "1970-01-01 00:00:00.000000");
  CHECK(datetime_text(1) == "1970-01-01 00:00:00.000001");
  CHECK(datetime_text(-1) == "1969-12-31 23:59:59.999999");
  CHECK(datetime_text(951'782'400'000'000) == "2000-02-29 00:00:00.000000");
  CHECK(datetime_text(4'107'542'399'999'999) == "2100-02-28 23:59:59.999999");
  CHECK(datetime_text(4'107'542'400'000'000) == "2100-03-01 00:00:00.000000");  // not a leap year
  CHECK(datetime_text(1'796'598'144'234'003) == "2026-12-06 23:02:24.234003");  // from MariaDB
  CHECK(datetime_text(1'798'761'599'999'999) == "2026-12-31 23:59:59.999999");
}

TEST_CASE("datetime text agrees with gmtime over 1900-2200", "[core]") {
  std::mt19937_64 random(20261206);
  const std::int64_t from = -2'208'988'800'000'000;  // 1900-01-01
  const std::int64_t to = 7'258'118'400'000'000;     // 2200-01-01
  std::uniform_int_distribution<std::int64_t> pick(from, to);
  for (int i = 0; i < 200'000; ++i) {
    const auto micros = pick(random);
    REQUIRE(datetime_text(micros) == through_gmtime(micros));
  }
}
