#pragma once
// Calendar dates as the API takes them ("YYYY-MM-DD"): catalog's certificate windows, ordering's
// harvest and shipping dates.

#include <string_view>

namespace huicai {

// A calendar-valid "YYYY-MM-DD" (years 1900-2999).
bool is_iso_date(std::string_view text);

}  // namespace huicai
