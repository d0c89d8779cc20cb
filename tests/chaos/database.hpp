#pragma once
// The chaos run's direct line to MariaDB (the admin user of the run's database): fixture rows
// the services read (catalog, org units), and the checker's queries. A new pool per use, so a
// MariaDB restart between uses costs nothing.

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <string>
#include <vector>

#include "io_thread.hpp"
#include "mysql_test_options.hpp"

namespace huicai::chaos {

class Database {
 public:
  Database() : pool_(io_.executor(), test::mysql_test_options(true, 1)) {}
  ~Database() { pool_.close(); }

  // Every row of `sql`, each column read as an integer (NULL: 0).
  std::vector<std::vector<std::int64_t>> rows(const std::string& sql) {
    return pool_.run_blocking([&](mysql::Session& session) {
      std::unique_ptr<sql::Statement> statement(session.native().createStatement());
      std::unique_ptr<sql::ResultSet> result(statement->executeQuery(sql));
      const auto columns = result->getMetaData()->getColumnCount();
      std::vector<std::vector<std::int64_t>> out;
      while (result->next()) {
        std::vector<std::int64_t> row;
        for (unsigned i = 1; i <= columns; ++i) {
          row.push_back(result->isNull(i) ? 0 : result->getInt64(i));
        }
        out.push_back(std::move(row));
      }
      return out;
    });
  }
  std::int64_t scalar(const std::string& sql) {
    const auto all = rows(sql);
    return all.empty() || all[0].empty() ? 0 : all[0][0];
  }
  void execute(const std::string& sql) {
    pool_.run_blocking([&](mysql::Session& session) { session.execute_direct(sql); });
  }
  std::int64_t insert(const std::string& sql) {
    return pool_.run_blocking([&](mysql::Session& session) -> std::int64_t {
      session.execute_direct(sql);
      auto& last = session.prepare("SELECT LAST_INSERT_ID()");
      auto row = mysql::query(last);
      row->next();
      return row->getInt64(1);
    });
  }

 private:
  test::IoThread io_;
  mysql::Pool pool_;
};

}  // namespace huicai::chaos
