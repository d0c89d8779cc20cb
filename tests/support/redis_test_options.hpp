#pragma once
// Redis client options for integration tests, from the same HUICAI_REDIS_* variables the
// services read (the test main points HUICAI_REDIS_DATABASE at the tests' logical database).
// A longer command deadline than production (the machine is shared with builds) and short
// reconnect delays, so outage tests see the client come back quickly.

#include <chrono>
#include <huicai/core/config.hpp>
#include <huicai/core/redis/client.hpp>
#include <huicai/core/redis/client_options_from.hpp>

namespace huicai::test {

inline redis::ClientOptions redis_test_options() {
  auto options = redis::client_options_from(Config::from_environment());
  options.command_timeout = std::chrono::seconds(2);
  options.reconnect_min_delay = std::chrono::milliseconds(50);
  options.reconnect_max_delay = std::chrono::milliseconds(500);
  return options;
}

}  // namespace huicai::test
