#pragma once
// DATETIME(6) text as MariaDB writes it, "YYYY-MM-DD HH:MM:SS.ffffff", in UTC (every session runs
// at time_zone '+00:00'), made from microseconds since 1970-01-01.
//
// Why: Connector/C++ formats a DATETIME column with snprintf at every getString, and an order
// reads five of them back from its INSERTs (about 3 % of the server's instructions per order).
// Hot paths select such a column as microseconds instead (microseconds_of("created_at") in the
// statement's text) and read it with get_datetime, which gives the same text.

#include <cppconn/resultset.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace huicai::mysql {

// SQL for a DATETIME column as microseconds since 1970-01-01 (NULL stays NULL):
// "TIMESTAMPDIFF(MICROSECOND, '1970-01-01', <column>)". Build statements with it once (static).
std::string microseconds_of(std::string_view column);

std::string datetime_text(std::int64_t microseconds_since_epoch);

// A column holding microseconds since the epoch (see above), as DATETIME(6) text.
std::string get_datetime(sql::ResultSet& row, std::uint32_t position);
// The same; nullopt when the column is NULL.
std::optional<std::string> get_optional_datetime(sql::ResultSet& row, std::uint32_t position);

}  // namespace huicai::mysql
