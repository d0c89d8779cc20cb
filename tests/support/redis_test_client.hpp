#pragma once
// A Redis client on its own I/O thread for integration tests: started on construction, stopped
// on destruction, with `must` for commands that have to succeed.

#include <boost/asio/awaitable.hpp>
#include <huicai/core/redis/client.hpp>
#include <io_thread.hpp>
#include <redis_test_options.hpp>
#include <string>
#include <vector>

namespace huicai::test {

struct RedisTestClient {
  IoThread io;  // first: destroyed last
  redis::Client client;

  explicit RedisTestClient(redis::ClientOptions options = redis_test_options())
      : client(io.executor(), std::move(options)) {
    client.start();
  }
  ~RedisTestClient() {
    io.run<int>([&]() -> boost::asio::awaitable<int> {
      co_await client.stop();
      co_return 0;
    });
  }
  RedisTestClient(const RedisTestClient&) = delete;
  RedisTestClient& operator=(const RedisTestClient&) = delete;

  bool connected_within(std::chrono::milliseconds timeout) {
    return wait_until([&] { return client.connected(); }, timeout);
  }
  // Runs one command; a transport error throws huicai::ServiceUnavailable.
  redis::Reply must(std::vector<std::string> arguments) {
    return io.run<redis::Reply>([&]() -> boost::asio::awaitable<redis::Reply> {
      co_return co_await client.command_or_throw(arguments);
    });
  }
};

}  // namespace huicai::test
