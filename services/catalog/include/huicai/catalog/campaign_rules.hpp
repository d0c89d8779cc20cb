#pragma once
// Rules of holiday campaigns that need no database: reading a window edge as sent
// ("YYYY-MM-DDTHH:MM:SSZ", UTC) and whether two windows [start, end) overlap. Times compare as
// text: the MySQL form "YYYY-MM-DD HH:MM:SS.ffffff" sorts in time order.

#include <optional>
#include <string>
#include <string_view>

namespace huicai::catalog {

// "2027-02-10T00:00:00Z" -> "2027-02-10 00:00:00.000000" (MySQL DATETIME(6), UTC); nullopt when the
// text is not exactly that shape or not a valid calendar time (years 1900-2999).
std::optional<std::string> campaign_time(std::string_view text);

// Two windows [start, end) overlap when each starts before the other ends (an empty window,
// start == end, overlaps nothing). Arguments are MySQL DATETIME(6) texts.
bool windows_overlap(std::string_view start_a, std::string_view end_a, std::string_view start_b,
                     std::string_view end_b);

}  // namespace huicai::catalog
