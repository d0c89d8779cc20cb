#pragma once
// Every setting Huicai reads, in one place. Each comes from an environment variable with a
// default that works with deploy/stack.sh. The table of variables is defined once, in
// src/config.cpp (from_environment() and entries() both use it); docs/configuration.md lists the
// same table and tests/unit/core/config_test.cpp fails when the two disagree.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace huicai {

struct ConfigEntry {
  std::string name;           // environment variable, e.g. HUICAI_HTTP_PORT
  std::string default_value;  // as text
  std::string description;
};

struct Config {
  // HTTP
  std::string http_address = "127.0.0.1";
  std::uint16_t http_port = 8080;
  std::size_t http_header_limit = 8 * 1024;
  std::size_t http_body_limit = 1024 * 1024;
  std::chrono::milliseconds http_read_timeout{10'000};
  std::chrono::milliseconds http_idle_timeout{30'000};
  std::chrono::milliseconds http_shutdown_deadline{10'000};
  std::size_t http_max_connections = 10'000;

  // MySQL / MariaDB
  std::string mysql_host = "127.0.0.1";
  std::uint16_t mysql_port = 13306;
  std::string mysql_user = "huicai";
  std::string mysql_password = "huicai-dev";
  std::string mysql_database = "huicai";
  // Used only by `huicai migrate` (DDL needs more than the app user's SELECT/INSERT/UPDATE/DELETE).
  std::string mysql_admin_user = "huicai_admin";          // HUICAI_MYSQL_ADMIN_USER
  std::string mysql_admin_password = "huicai-admin-dev";  // HUICAI_MYSQL_ADMIN_PASSWORD
  std::size_t mysql_pool_size = 8;
  std::size_t mysql_queue_limit = 2048;  // waiting calls beyond this get 503
  std::chrono::seconds mysql_connect_timeout{3};
  std::chrono::seconds mysql_read_timeout{10};
  std::chrono::seconds mysql_write_timeout{10};

  // Redis
  std::string redis_host = "127.0.0.1";  // an IP: hiredis resolves names with a blocking call
  std::uint16_t redis_port = 16379;
  // Logical database (SELECT n) every connection switches to: lets the test suite share a
  // Redis server with the demo without sharing keys.
  std::uint16_t redis_database = 0;
  std::chrono::milliseconds redis_command_timeout{1'000};

  // Tokens and passwords
  std::string token_secret = "huicai-dev-secret-change-me-0123456789abcdef";  // HMAC key
  std::chrono::seconds access_token_ttl{900};
  std::chrono::seconds refresh_token_ttl{14 * 24 * 3600};
  std::size_t password_hash_concurrency = 2;

  // Logging
  bool access_log = true;

  // Reads HUICAI_* variables over the defaults. Throws std::invalid_argument naming the
  // variable when a value does not parse.
  static Config from_environment();
  // The table of every variable (name, default, description), for README and --help.
  static std::vector<ConfigEntry> entries();
};

}  // namespace huicai
