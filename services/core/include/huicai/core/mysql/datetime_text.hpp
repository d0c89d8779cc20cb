#pragma once
// DATETIME(6) text as MariaDB writes it, "YYYY-MM-DD HH:MM:SS.ffffff", in UTC (every session runs
// at time_zone '+00:00'), made from microseconds since 1970-01-01.
//
// Why: Connector/C++ formats a DATETIME column with snprintf at every getString, and an order
// reads five of them back from its INSERTs (about 3 % of the server's instructions per order).
// Hot paths return such a column as microseconds instead,
//   ... RETURNING TIMESTAMPDIFF(MICROSECOND, '1970-01-01', created_at)
// and turn it into the same text here.

#include <cppconn/resultset.h>

#include <cstdint>
#include <optional>
#include <string>

namespace huicai::mysql {

std::string datetime_text(std::int64_t microseconds_since_epoch);

// A column holding microseconds since the epoch (see above), as DATETIME(6) text.
std::string get_datetime(sql::ResultSet& row, std::uint32_t position);
// The same; nullopt when the column is NULL.
std::optional<std::string> get_optional_datetime(sql::ResultSet& row, std::uint32_t position);

}  // namespace huicai::mysql
