#pragma once
// SQL helpers shared by the catalog repositories.

#include <cppconn/exception.h>

#include <boost/json/value.hpp>
#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <optional>
#include <string>

namespace huicai::catalog {

std::int64_t last_insert_id(mysql::Session& session);
bool is_duplicate_key(const sql::SQLException& error);

// The state of one row for explaining a failed compare-and-set: missing -> 404, other version
// -> 412, other status -> 409.
struct RowState {
  bool exists = false;
  std::int64_t version = 0;
  std::string status;
  std::int64_t supplier_id = 0;
  std::int64_t county_id = 0;
};
// `table` is one of the catalog's own table names (a constant, never user input).
RowState read_row_state(mysql::Session& session, const std::string& table, std::int64_t id);

boost::json::value nullable_int(sql::ResultSet& row, const char* column);
boost::json::value nullable_string(sql::ResultSet& row, const char* column);

}  // namespace huicai::catalog

namespace huicai::catalog {
// Explains a compare-and-set that changed no row: 404 when the row is missing, 412 when the
// version differs from If-Match, else 409 (the status does not allow the action).
[[noreturn]] void throw_cas_failure(const RowState& state, std::optional<std::int64_t> expected,
                                    std::string_view what, std::string_view action);
}  // namespace huicai::catalog
