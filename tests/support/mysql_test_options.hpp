#pragma once
// Pool options for integration tests, from the same HUICAI_MYSQL_* variables the services read
// (defaults match deploy/stack.sh). `admin` picks the migrate user, which may run DDL in the
// huicai database and create throwaway databases named huicai_test_*.

#include <huicai/core/config.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <string>

namespace huicai::test {

inline mysql::PoolOptions mysql_test_options(bool admin = false, std::size_t size = 4) {
  const Config config = Config::from_environment();
  mysql::PoolOptions options;
  options.host = config.mysql_host;
  options.port = config.mysql_port;
  options.user = admin ? config.mysql_admin_user : config.mysql_user;
  options.password = admin ? config.mysql_admin_password : config.mysql_password;
  options.database = config.mysql_database;
  options.size = size;
  options.connect_timeout = config.mysql_connect_timeout;
  options.read_timeout = config.mysql_read_timeout;
  options.write_timeout = config.mysql_write_timeout;
  return options;
}

}  // namespace huicai::test
