// The Redis client against the real Redis of deploy/stack.sh: replies of every shape, many
// coroutines sharing one connection, deadlines, recovery after a reset, shutdown.
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/redis/client.hpp>
#include <io_thread.hpp>
#include <redis_test_client.hpp>
#include <redis_test_options.hpp>

namespace asio = boost::asio;
using huicai::redis::Client;
using huicai::redis::ClientOptions;
using huicai::redis::Error;
using huicai::redis::Reply;
using namespace std::chrono_literals;

namespace {

// A started client that is connected (or the test fails).
struct ConnectedClient : huicai::test::RedisTestClient {
  explicit ConnectedClient(ClientOptions options = huicai::test::redis_test_options())
      : RedisTestClient(std::move(options)) {
    REQUIRE(connected_within(5s));
  }
};

// Builds a command outside the coroutine body: GCC 12 miscompiles braced lists of strings
// inside co_await expressions ("array used as initializer").
template <class... Parts>
std::vector<std::string> args(const Parts&... parts) {
  return {std::string(parts)...};
}

std::string key(const std::string& name) {
  return "huicai:{test}:" + name + ":" + huicai::test::unique_suffix();
}

}  // namespace

TEST_CASE("SET then GET returns the value, byte for byte", "[redis]") {
  ConnectedClient redis;
  auto name = key("binary");
  std::string value = std::string("zero") + '\0' + "byte and \xe6\x85\xa7\xe9\x87\x87";
  auto set = redis.must({"SET", name, value});
  CHECK(set.type == Reply::Type::status);
  CHECK(set.text == "OK");
  auto get = redis.must({"GET", name});
  CHECK(get.type == Reply::Type::string);
  CHECK(get.text == value);
  CHECK(redis.must({"GET", key("missing")}).is_nil());
  redis.must({"DEL", name});
}

TEST_CASE("a reply larger than hiredis's read buffer arrives whole", "[redis]") {
  ConnectedClient redis;
  auto name = key("large");
  std::string value(3 * 1024 * 1024, 'x');
  for (std::size_t i = 0; i < value.size(); i += 4096) value[i] = static_cast<char>('a' + i % 26);
  redis.must({"SET", name, value});
  CHECK(redis.must({"GET", name}).text == value);
  redis.must({"DEL", name});
}

TEST_CASE("integer, array and error replies", "[redis]") {
  ConnectedClient redis;
  auto counter = key("counter");
  CHECK(redis.must({"INCRBY", counter, "5"}).integer == 5);
  CHECK(redis.must({"INCRBY", counter, "-7"}).integer == -2);

  auto stream = key("stream");
  auto first = redis.must({"XADD", stream, "*", "e", "one"});
  auto second = redis.must({"XADD", stream, "*", "e", "two", "f", "2"});
  REQUIRE(first.type == Reply::Type::string);
  auto range = redis.must({"XRANGE", stream, "-", "+"});
  REQUIRE(range.type == Reply::Type::array);
  REQUIRE(range.elements.size() == 2);
  CHECK(range.elements[0].elements[0].text == first.text);
  CHECK(range.elements[0].elements[1].elements[1].text == "one");
  CHECK(range.elements[1].elements[0].text == second.text);
  REQUIRE(range.elements[1].elements[1].elements.size() == 4);
  CHECK(range.elements[1].elements[1].elements[3].text == "2");

  // The server answering -ERR is a reply, not a transport error, and the connection stays fine.
  auto not_a_number = redis.must({"INCR", stream});
  CHECK(not_a_number.is_error());
  CHECK(not_a_number.text.rfind("WRONGTYPE", 0) == 0);
  auto unknown = redis.must({"NO-SUCH-COMMAND"});
  CHECK(unknown.is_error());
  CHECK(redis.must({"PING"}).text == "PONG");
  redis.must({"DEL", counter, stream});
}

TEST_CASE("many coroutines share the connection and each gets its own replies", "[redis]") {
  ConnectedClient redis;
  auto counter = key("shared-counter");
  constexpr int coroutines = 64;
  constexpr int rounds = 50;
  auto worker = [&](int number) -> asio::awaitable<int> {
    int wrong = 0;
    auto own = counter + ":" + std::to_string(number);
    for (int round = 0; round < rounds; ++round) {
      auto value = std::to_string(number * 1000 + round);
      co_await redis.client.command_or_throw(args("SET", own, value));
      co_await redis.client.command_or_throw(args("INCR", counter));
      auto read = co_await redis.client.command_or_throw(args("GET", own));
      if (read.text != value) ++wrong;
    }
    co_await redis.client.command_or_throw(args("DEL", own));
    co_return wrong;
  };
  // All started at once: their commands interleave on the one connection.
  std::vector<std::future<int>> results;
  for (int number = 0; number < coroutines; ++number) {
    results.push_back(asio::co_spawn(redis.io.io(), worker(number), asio::use_future));
  }
  int mismatches = 0;
  for (auto& result : results) {
    REQUIRE(result.wait_for(30s) == std::future_status::ready);
    mismatches += result.get();
  }
  CHECK(mismatches == 0);
  CHECK(redis.must({"GET", counter}).text == std::to_string(coroutines * rounds));
  redis.must({"DEL", counter});
}

TEST_CASE("pipeline sends a batch and returns each reply in order", "[redis]") {
  ConnectedClient redis;
  auto name = key("pipeline");
  auto replies = redis.io.run<std::vector<boost::system::result<Reply>>>([&]() {
    return redis.client.pipeline(
        {{"RPUSH", name, "a"}, {"RPUSH", name, "b"}, {"LRANGE", name, "0", "-1"}, {"DEL", name}});
  });
  REQUIRE(replies.size() == 4);
  for (auto& reply : replies) REQUIRE(reply.has_value());
  CHECK(replies[0]->integer == 1);
  CHECK(replies[1]->integer == 2);
  REQUIRE(replies[2]->elements.size() == 2);
  CHECK(replies[2]->elements[1].text == "b");
  CHECK(replies[3]->integer == 1);
}

TEST_CASE("a command past its deadline fails with timeout and the client recovers", "[redis]") {
  ConnectedClient redis;
  auto empty_list = key("never-filled");
  auto started = std::chrono::steady_clock::now();
  auto blocked = redis.io.run<boost::system::result<Reply>>([&]() {
    return redis.client.command({"BLPOP", empty_list, "10"}, 200ms);
  });
  auto waited = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(blocked.has_value());
  CHECK(blocked.error() == Error::timeout);
  CHECK(waited >= 200ms);
  CHECK(waited < 2s);
  CHECK(redis.client.stats().timeouts >= 1);

  // The connection was reset (a late BLPOP reply must not answer the next command); a fresh
  // one comes back on its own.
  REQUIRE(huicai::test::wait_until([&] { return redis.client.connected(); }, 5s));
  auto name = key("after-timeout");
  redis.must({"SET", name, "fine"});
  CHECK(redis.must({"GET", name}).text == "fine");
  redis.must({"DEL", name});
}

TEST_CASE("without a server commands fail fast with not_connected", "[redis]") {
  huicai::test::IoThread io;
  ClientOptions options = huicai::test::redis_test_options();
  options.port = 1;  // nothing listens there
  Client client(io.executor(), options);
  client.start();
  auto started = std::chrono::steady_clock::now();
  auto reply = io.run<boost::system::result<Reply>>([&]() { return client.command({"PING"}); });
  CHECK(std::chrono::steady_clock::now() - started < 500ms);
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error() == Error::not_connected);
  CHECK_FALSE(client.connected());
  CHECK_THROWS_AS(io.run<Reply>([&]() { return client.command_or_throw({"PING"}); }),
                  huicai::ServiceUnavailable);
  io.run<int>([&]() -> asio::awaitable<int> {
    co_await client.stop();
    co_return 0;
  });
}

TEST_CASE("stop fails commands in flight with shutting_down and later ones too", "[redis]") {
  huicai::test::IoThread io;
  Client client(io.executor(), huicai::test::redis_test_options());
  client.start();
  REQUIRE(huicai::test::wait_until([&] { return client.connected(); }, 5s));
  auto blocked_list = key("stop-while-blocked");
  auto in_flight =
      asio::co_spawn(io.io(), client.command({"BLPOP", blocked_list, "10"}, 20s), asio::use_future);
  REQUIRE(huicai::test::wait_until([&] { return client.stats().pending == 1; }, 5s));
  io.run<int>([&]() -> asio::awaitable<int> {
    co_await client.stop();
    co_return 0;
  });
  REQUIRE(in_flight.wait_for(5s) == std::future_status::ready);
  auto blocked = in_flight.get();
  REQUIRE_FALSE(blocked.has_value());
  CHECK(blocked.error() == Error::shutting_down);
  auto after = io.run<boost::system::result<Reply>>([&]() { return client.command({"PING"}); });
  REQUIRE_FALSE(after.has_value());
  CHECK(after.error() == Error::shutting_down);
  CHECK_FALSE(client.connected());
}

// Not run by ctest (hidden tag): `integration_redis_tests "[.bench]"` prints throughput.
TEST_CASE("benchmark: commands per second from 64 coroutines on one connection", "[.bench]") {
  ConnectedClient redis;
  auto counter = key("bench");
  constexpr int coroutines = 64;
  constexpr int rounds = 2'000;
  auto worker = [&]() -> asio::awaitable<int> {
    for (int round = 0; round < rounds; ++round) {
      co_await redis.client.command_or_throw(args("INCR", counter));
    }
    co_return 0;
  };
  auto started = std::chrono::steady_clock::now();
  std::vector<std::future<int>> results;
  for (int number = 0; number < coroutines; ++number) {
    results.push_back(asio::co_spawn(redis.io.io(), worker(), asio::use_future));
  }
  for (auto& result : results) REQUIRE(result.wait_for(120s) == std::future_status::ready);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  const double commands = double(coroutines) * rounds;
  WARN("redis client: " << commands << " INCR from " << coroutines << " coroutines in "
                        << took.count() << " s = " << commands / took.count() << " commands/s");
  CHECK(redis.must({"GET", counter}).text == std::to_string(coroutines * rounds));
  redis.must({"DEL", counter});
}
