#include <huicai/core/mysql/datetime_text.hpp>

namespace huicai::mysql {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

struct CivilDate {
  std::int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

// The proleptic Gregorian date `days` after 1970-01-01, counted in 400-year eras of 146,097 days
// that start on 1 March, so the leap day falls at the end of each era-year.
CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t shifted = days + 719'468;  // days from 0000-03-01
  const std::int64_t era = (shifted >= 0 ? shifted : shifted - 146'096) / 146'097;
  const std::int64_t day_of_era = shifted - era * 146'097;  // [0, 146096]
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1'460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // from 1 March
  const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;           // [0, 11]
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// Writes `value` as exactly `width` decimal digits, ending just before `end`.
void put_digits(char* end, int width, std::int64_t value) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

std::string microseconds_of(std::string_view column) {
  return "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', " + std::string(column) + ")";
}

std::string datetime_text(std::int64_t microseconds_since_epoch) {
  std::int64_t days = microseconds_since_epoch / kMicrosPerDay;
  std::int64_t of_day = microseconds_since_epoch % kMicrosPerDay;
  if (of_day < 0) {  // before 1970: round the day down, keep the time of day positive
    of_day += kMicrosPerDay;
    --days;
  }
  const auto date = civil_from_days(days);
  const std::int64_t seconds = of_day / 1'000'000;
  std::string text = "0000-00-00 00:00:00.000000";
  char* at = text.data();
  put_digits(at + 4, 4, date.year);
  put_digits(at + 7, 2, date.month);
  put_digits(at + 10, 2, date.day);
  put_digits(at + 13, 2, seconds / 3'600);
  put_digits(at + 16, 2, seconds / 60 % 60);
  put_digits(at + 19, 2, seconds % 60);
  put_digits(at + 26, 6, of_day % 1'000'000);
  return text;
}

std::string get_datetime(sql::ResultSet& row, std::uint32_t position) {
  return datetime_text(row.getInt64(position));
}

std::optional<std::string> get_optional_datetime(sql::ResultSet& row, std::uint32_t position) {
  const std::int64_t micros = row.getInt64(position);
  if (row.wasNull()) return std::nullopt;
  return datetime_text(micros);
}

}  // namespace huicai::mysql
