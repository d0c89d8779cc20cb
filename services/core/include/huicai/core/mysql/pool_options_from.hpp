#pragma once
// Pool options from Config: the one place that maps the HUICAI_MYSQL_* settings onto a pool, so
// the services, `huicai migrate`, the identity admin CLI, the benchmarks and the tests connect
// the same way. Callers change what is theirs afterwards (a CLI needs one connection, a
// migration a longer read timeout).

#include <huicai/core/config.hpp>
#include <huicai/core/mysql/pool.hpp>

namespace huicai::mysql {

enum class PoolRole {
  app,    // mysql_user: SELECT/INSERT/UPDATE/DELETE, what every service runs as
  admin,  // mysql_admin_user: DDL, used by `huicai migrate` and tests that build scratch schemas
};

PoolOptions pool_options_from(const Config& config, PoolRole role = PoolRole::app);

}  // namespace huicai::mysql
