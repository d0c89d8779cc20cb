// The Redis rate limiter: counts per key and window, answers how long to wait, fails open.
#include <catch2/catch.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/redis/client.hpp>
#include <huicai/core/redis/rate_limiter.hpp>
#include <io_thread.hpp>
#include <redis_test_options.hpp>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using huicai::redis::Client;
using huicai::redis::ClientOptions;
using huicai::redis::RateLimiter;
using Wait = std::optional<std::chrono::seconds>;

namespace {

void stop(huicai::test::IoThread& io, Client& client) {
  io.run<int>([&]() -> asio::awaitable<int> {
    co_await client.stop();
    co_return 0;
  });
}

}  // namespace

TEST_CASE("the limiter admits `requests` hits per window, then says how long to wait",
          "[redis][rate_limit]") {
  huicai::test::IoThread io;
  Client client(io.executor(), huicai::test::redis_test_options());
  client.start();
  REQUIRE(huicai::test::wait_until([&] { return client.connected(); }, 5s));
  RateLimiter limiter(client);
  huicai::http::RateLimit limit{3, std::chrono::seconds(3600)};
  // Braces as in a route pattern: they must not break the key's hash tag.
  auto key = "test:GET /v1/orders/{order_id}:account:" + huicai::test::unique_suffix();
  auto hit = [&](const std::string& which) {
    return io.run<Wait>([&]() { return limiter.hit(which, limit); });
  };
  CHECK_FALSE(hit(key).has_value());
  CHECK_FALSE(hit(key).has_value());
  CHECK_FALSE(hit(key).has_value());
  auto wait = hit(key);
  REQUIRE(wait.has_value());
  CHECK(*wait >= 1s);
  CHECK(*wait <= 3600s);
  CHECK_FALSE(hit(key + ":someone-else").has_value());  // counters are per key
  CHECK(limiter.fail_open_count() == 0);
  // The counter key expires with its window: no key is left without a TTL.
  auto ttl = io.run<huicai::redis::Reply>([&]() {
    return client.command_or_throw({"EVAL",
                                    "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) "
                                    "do if redis.call('PTTL', k) < 0 then n = n + 1 end end "
                                    "return n",
                                    "0", "huicai:rl:*"});
  });
  CHECK(ttl.integer == 0);
  stop(io, client);
}

TEST_CASE("the limiter lets requests through when Redis is unreachable, and counts them",
          "[redis][rate_limit]") {
  huicai::test::IoThread io;
  auto options = huicai::test::redis_test_options();
  options.port = 1;  // nothing listens there
  Client client(io.executor(), options);
  client.start();
  RateLimiter limiter(client);
  huicai::http::RateLimit limit{1, std::chrono::seconds(60)};
  // A named string: hit() is a coroutine taking a reference, the key must outlive the call.
  const std::string key = "test:fail-open";
  for (int i = 0; i < 3; ++i) {
    CHECK_FALSE(io.run<Wait>([&]() { return limiter.hit(key, limit); }).has_value());
  }
  CHECK(limiter.fail_open_count() == 3);
  stop(io, client);
}
