#pragma once
// The first column of the first row of `sql` (a COUNT, a SUM), read through `pool` in
// autocommit: what tests check the database with.
#include <cppconn/resultset.h>

#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <string>

namespace huicai::test {

inline std::int64_t sql_scalar(mysql::Pool& pool, const std::string& sql) {
  return pool.run_blocking([&](mysql::Session& session) {
    auto rows = mysql::query(session.prepare(sql));
    rows->next();
    return static_cast<std::int64_t>(rows->getInt64(1));
  });
}

}  // namespace huicai::test
