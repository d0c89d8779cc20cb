#include <huicai/core/mysql/pool_options_from.hpp>

namespace huicai::mysql {

PoolOptions pool_options_from(const Config& config, PoolRole role) {
  PoolOptions options;
  options.host = config.mysql_host;
  options.port = config.mysql_port;
  options.fallbacks = parse_endpoints(config.mysql_fallback_hosts);
  const bool admin = role == PoolRole::admin;
  options.user = admin ? config.mysql_admin_user : config.mysql_user;
  options.password = admin ? config.mysql_admin_password : config.mysql_password;
  options.database = config.mysql_database;
  options.size = config.mysql_pool_size;
  options.queue_limit = config.mysql_queue_limit;
  options.connect_timeout = config.mysql_connect_timeout;
  options.read_timeout = config.mysql_read_timeout;
  options.write_timeout = config.mysql_write_timeout;
  return options;
}

}  // namespace huicai::mysql
