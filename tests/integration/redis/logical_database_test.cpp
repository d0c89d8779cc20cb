// The client SELECTs its configured logical database on every connection, so the test suite's
// keys (database HUICAI_TEST_REDIS_DATABASE) never mix with the demo's (database 0).
#include <catch2/catch.hpp>
#include <huicai/core/redis/client.hpp>
#include <redis_test_client.hpp>
#include <redis_test_options.hpp>
#include <string>

using huicai::redis::ClientOptions;
using huicai::redis::Error;
using huicai::redis::Reply;
using huicai::test::RedisTestClient;
using namespace std::chrono_literals;

namespace {

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
  RedisTestClient tests(huicai::test::redis_test_options());
  // Only reads: the demo's keys are not ours to touch.
  RedisTestClient demo(in_database(0));
  REQUIRE(tests.connected_within(5s));
  REQUIRE(demo.connected_within(5s));

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
  RedisTestClient bad(in_database(9999));  // Redis has 16 unless configured otherwise
  // Give it time to connect and be refused; it must never report connected.
  CHECK_FALSE(bad.connected_within(500ms));
  auto reply =
      bad.io.run<boost::system::result<Reply>>([&]() { return bad.client.command({"PING"}); });
  REQUIRE_FALSE(reply.has_value());
  CHECK(reply.error() == Error::not_connected);
}
