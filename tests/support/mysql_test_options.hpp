#pragma once
// Pool options for integration tests, from the same HUICAI_MYSQL_* variables the services read
// (defaults match deploy/stack.sh; the test main points HUICAI_MYSQL_DATABASE at the test
// database). `admin` picks the migrate user, which may run DDL there and create throwaway
// databases named huicai_test_*.

#include <huicai/core/config.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>

namespace huicai::test {

inline mysql::PoolOptions mysql_test_options(bool admin = false, std::size_t size = 4) {
  auto options = mysql::pool_options_from(Config::from_environment(),
                                          admin ? mysql::PoolRole::admin : mysql::PoolRole::app);
  options.size = size;
  return options;
}

}  // namespace huicai::test
