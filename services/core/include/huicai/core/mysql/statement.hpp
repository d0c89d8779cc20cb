#pragma once
// Binding helpers for Connector/C++ prepared statements, so call sites read as one line:
//   auto& insert = session.prepare("INSERT INTO t (a, b, c) VALUES (?, ?, ?)");
//   mysql::bind(insert, account_id, name, std::optional<std::int64_t>{});
//   insert.executeUpdate();
// Only cppconn/*.h is included: those headers need no Boost (see ARCHITECTURE.md).

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace huicai::mysql {

inline void bind_one(sql::PreparedStatement& statement, int index, std::int64_t value) {
  statement.setInt64(index, value);
}
inline void bind_one(sql::PreparedStatement& statement, int index, std::uint64_t value) {
  statement.setUInt64(index, value);
}
inline void bind_one(sql::PreparedStatement& statement, int index, int value) {
  statement.setInt(index, value);
}
inline void bind_one(sql::PreparedStatement& statement, int index, unsigned value) {
  statement.setUInt(index, value);
}
inline void bind_one(sql::PreparedStatement& statement, int index, bool value) {
  statement.setBoolean(index, value);
}
inline void bind_one(sql::PreparedStatement& statement, int index, std::string_view value) {
  statement.setString(index, sql::SQLString(value.data(), value.size()));
}
inline void bind_one(sql::PreparedStatement& statement, int index, const std::string& value) {
  statement.setString(index, sql::SQLString(value));
}
inline void bind_one(sql::PreparedStatement& statement, int index, const char* value) {
  statement.setString(index, sql::SQLString(value));
}
inline void bind_one(sql::PreparedStatement& statement, int index, std::nullptr_t) {
  statement.setNull(index, 0);
}
template <class T>
void bind_one(sql::PreparedStatement& statement, int index, const std::optional<T>& value) {
  if (value) {
    bind_one(statement, index, *value);
  } else {
    statement.setNull(index, 0);
  }
}

template <class... Args>
sql::PreparedStatement& bind(sql::PreparedStatement& statement, const Args&... args) {
  int index = 1;
  (bind_one(statement, index++, args), ...);
  return statement;
}

// Runs a bound query and owns its result set.
inline std::unique_ptr<sql::ResultSet> query(sql::PreparedStatement& statement) {
  return std::unique_ptr<sql::ResultSet>(statement.executeQuery());
}

// By name: Connector/C++ upper-cases the name and searches the columns at every call. On hot
// paths read by position (1-based, in the SELECT's or RETURNING's order).
inline std::string get_string(sql::ResultSet& row, const char* column) {
  return std::string(row.getString(column));
}
inline std::optional<std::int64_t> get_optional_int64(sql::ResultSet& row, const char* column) {
  std::int64_t value = row.getInt64(column);
  if (row.wasNull()) return std::nullopt;
  return value;
}
inline std::optional<std::string> get_optional_string(sql::ResultSet& row, const char* column) {
  std::string value(row.getString(column));
  if (row.wasNull()) return std::nullopt;
  return value;
}

}  // namespace huicai::mysql
