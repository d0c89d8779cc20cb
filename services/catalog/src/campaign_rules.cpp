#include <huicai/catalog/campaign_rules.hpp>
#include <huicai/catalog/field_validator.hpp>

namespace huicai::catalog {
namespace {

bool two_digits(std::string_view text, std::size_t at, int max) {
  if (text[at] < '0' || text[at] > '9' || text[at + 1] < '0' || text[at + 1] > '9') return false;
  return (text[at] - '0') * 10 + (text[at + 1] - '0') <= max;
}

}  // namespace

std::optional<std::string> campaign_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SSZ
  constexpr std::size_t kLength = 20;
  if (text.size() != kLength || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return std::nullopt;
  }
  if (!is_iso_date(text.substr(0, 10))) return std::nullopt;
  if (!two_digits(text, 11, 23) || !two_digits(text, 14, 59) || !two_digits(text, 17, 59)) {
    return std::nullopt;
  }
  std::string time(text.substr(0, 19));
  time[10] = ' ';
  return time + ".000000";
}

bool windows_overlap(std::string_view start_a, std::string_view end_a, std::string_view start_b,
                     std::string_view end_b) {
  if (start_a >= end_a || start_b >= end_b) return false;
  return start_a < end_b && start_b < end_a;
}

}  // namespace huicai::catalog
