#pragma once
// What every restarts test needs: run a deploy/stack.sh subcommand (stop-redis, start-mysql,
// ...) on the shared local stack, make sure Redis runs again when a test ends however it ends,
// and wait for a condition with a deadline instead of sleeping and hoping.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

namespace huicai::test::stack_control {

inline void stack(const std::string& command) {
  const std::string line =
      std::string(HUICAI_SOURCE_DIR) + "/deploy/stack.sh " + command + " >/dev/null";
  REQUIRE(std::system(line.c_str()) == 0);
}

// Restarts Redis even when an assertion fails halfway, for the tests that run after.
struct RedisRestorer {
  RedisRestorer() = default;
  RedisRestorer(const RedisRestorer&) = delete;
  RedisRestorer& operator=(const RedisRestorer&) = delete;
  ~RedisRestorer() {
    const std::string line =
        std::string(HUICAI_SOURCE_DIR) + "/deploy/stack.sh start-redis >/dev/null";
    (void)std::system(line.c_str());
  }
};

inline bool wait_until(const std::function<bool()>& condition, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

}  // namespace huicai::test::stack_control
