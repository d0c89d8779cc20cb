#include "events/sql_names.hpp"

#include <chrono>
#include <huicai/core/mysql/datetime_text.hpp>
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
  return mysql::datetime_text(
      std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count());
}

}  // namespace huicai::events
