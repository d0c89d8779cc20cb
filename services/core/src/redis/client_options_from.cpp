#include <huicai/core/redis/client_options_from.hpp>

namespace huicai::redis {

ClientOptions client_options_from(const Config& config) {
  ClientOptions options;
  options.host = config.redis_host;
  options.port = config.redis_port;
  options.user = config.redis_user;
  options.password = config.redis_password;
  options.database = config.redis_database;
  options.command_timeout = config.redis_command_timeout;
  return options;
}

}  // namespace huicai::redis
