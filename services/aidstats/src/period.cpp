// Period parameters (period.hpp).
#include "period.hpp"

#include <cctype>
#include <huicai/aidstats/contribution.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <stdexcept>

namespace huicai::aidstats {
namespace {

bool digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

[[noreturn]] void malformed(std::string_view period) {
  throw http::Problem(
      422, "invalid-period", "Invalid period",
      "period '" + std::string(period) + "' is not YYYY, YYYY-MM, YYYY-Www or YYYY-MM-DD");
}

}  // namespace

PeriodKind period_kind(std::string_view period) {
  if (period.empty()) return PeriodKind::all;
  if (period.size() < 4 || !digits(period.substr(0, 4))) malformed(period);
  if (period.size() == 4) return PeriodKind::year;
  if (period.size() == 7 && period[4] == '-' && digits(period.substr(5, 2))) {
    const int month = std::stoi(std::string(period.substr(5, 2)));
    if (month < 1 || month > 12) malformed(period);
    return PeriodKind::month;
  }
  if (period.size() == 8 && period.substr(4, 2) == "-W" && digits(period.substr(6, 2))) {
    const int week = std::stoi(std::string(period.substr(6, 2)));
    if (week < 1 || week > 53) malformed(period);
    return PeriodKind::week;
  }
  if (period.size() == 10) {
    try {
      iso_week(period);  // validates the calendar date
      return PeriodKind::day;
    } catch (const std::invalid_argument&) {
    }
  }
  malformed(period);
}

void require_kept(std::string_view dimension, PeriodKind kind) {
  int kept = 5;  // total, class: every period
  if (dimension == "county" || dimension == "unit") kept = 4;
  if (dimension == "supplier" || dimension == "fund_source") kept = 3;
  if (dimension == "category") kept = 2;
  if (static_cast<int>(kind) >= kept) {
    throw http::Problem(422, "period-not-kept", "Period too fine for this breakdown",
                        "the " + std::string(dimension) + " breakdown is kept per all time, year" +
                            (kept > 2 ? ", month" : "") + (kept > 3 ? ", ISO week" : ""));
  }
}

std::string requested_period(const http::Request& request) {
  if (auto period = request.query_param("period")) {
    period_kind(*period);
    return *period;
  }
  if (auto year = request.query_param("year")) {
    if (period_kind(*year) != PeriodKind::year) malformed(*year);
    return *year;
  }
  return "";
}

}  // namespace huicai::aidstats
