// The client SELECTs its configured logical database on every connection, so the test suite's
// keys (database HUICAI_TEST_REDIS_DATABASE) never mix with the demo's (database 0).
#include <boost/asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/redis/client.hpp>
#include <io_thread.hpp>
#include <redis_test_options.hpp>
#include <string>

namespace asio = boost::asio;
using huicai::redis::Client;
using huicai::redis::ClientOptions;
using huicai::redis::Error;
using huicai::redis::Reply;
using namespace std::chrono_literals;

namespace {

struct StartedClient {
  huicai::test::IoThread io;
  Client client;
  explicit StartedClient(ClientOptions options) : client(io.executor(), std::move(options)) {
    client.start();
  }
  ~StartedClient() {
    io.run<int>([&]() -> asio::awaitable<int> {
      co_await client.stop();
      co_return 0;
    });
  }
  Reply must(std::vector<std::string> arguments) {
    return io.run<Reply>(
        [&]() -> asio::awaitable<Reply> { co_return co_await client.command_or_throw(arguments); });
  }
};

ClientOptions in_database(std::uint16_t database) {
  auto options = huicai::test::redis_test_options();
  options.database = database;
  return options;
}

}  // namespace

TEST_CASE("tests talk to their own Redis database, not the demo's", "[redis]") {
  const auto options = huicai::test::redis_test_options();
  CHECK(options.database == std::stoi(HUICAI_TEST_REDIS_DATABASE));
  REQUIRE(options.database != 0);
}

TEST_CASE("a key written in the configured database is not visible in database 0", "[redis]") {
  StartedClient tests(huicai::test::redis_test_options());
  StartedClient demo(in_database(0));  // only reads: the demo's keys are not ours to touch
  REQUIRE(huicai::test::wait_until([&] { return tests.client.connected(); }, 5s));
  REQUIRE(huicai::test::wait_until([&] { return demo.client.connected(); }, 5s));

  const std::string key = "huicai:{test}:logical-db:" + huicai::test::unique_suffix();
  tests.must({"SET", key, "here"});
  CHECK(tests.must({"GET", key}).text == "here");
  CHECK(demo.must({"GET", key}).is_nil());
  const auto database = huicai::test::redis_test_options().database;
  const auto info = tests.must({"CLIENT", "INFO"}).text;
  CHECK_THAT(info, Catch::Contains(" db=" + std::to_string(database) + " "));
  tests.must({"DEL", key});
}

TEST_CASE("a database the server does not have keeps the client unconnected", "[redis]") {
  StartedClient bad(in_database(9999));  // Redis has 16 unless configured otherwise
  // Give it time to connect and be refused; it must never report connected.
  CHECK_FALSE(huicai::test::wait_until([&] { return bad.client.connected(); }, 500ms));
  auto reply =
      bad.io.run<boost::system::result<Reply>>([&]() { return bad.client.command({"PING"}); });
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error() == Error::not_connected);
}
