#pragma once
// The `period` and `year` query parameters of the totals routes: '' (all time), YYYY, YYYY-MM,
// YYYY-Www (ISO week) or YYYY-MM-DD. A malformed one is 422; a year with no purchase on record
// is 404 (checked by the caller, which has the database).
#include <string>
#include <string_view>

namespace huicai::http {
struct Request;
}

namespace huicai::aidstats {

enum class PeriodKind { all, year, month, week, day };

// The kind of a well-formed period, or throws http::Problem 422.
PeriodKind period_kind(std::string_view period);
// How many period kinds a dimension keeps, coarsest first (see contribution.cpp): a finer period
// than it keeps is 422.
void require_kept(std::string_view dimension, PeriodKind kind);
// `period` from the query, else `year`, else all time; validated.
std::string requested_period(const http::Request& request);

}  // namespace huicai::aidstats
