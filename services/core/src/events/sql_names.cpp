#include "events/sql_names.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace huicai::events {

std::string checked_table_name(std::string_view name, std::string_view what) {
  bool valid = !name.empty() && name.size() <= 64;
  for (char c : name) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (!valid) {
    throw std::invalid_argument(std::string(what) + " must be [a-z0-9_]{1,64}, got \"" +
                                std::string(name) + "\"");
  }
  return std::string(name);
}

std::string utc_datetime(std::chrono::system_clock::time_point at) {
  using namespace std::chrono;
  const auto micros = duration_cast<microseconds>(at.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];  // sized for any int the compiler can imagine (-Wformat-truncation)
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%06lld", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(micros % 1'000'000));
  return text;
}

}  // namespace huicai::events
