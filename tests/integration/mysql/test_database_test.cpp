// Every way a test reaches MariaDB and Redis lands in the test database (huicai_test) and the
// tests' Redis logical database, never in the demo's `huicai` / database 0, so running the suite
// leaves what `deploy/up.sh` seeded and serves as it was.
#include <boost/asio/awaitable.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <io_thread.hpp>
#include <mysql_test_options.hpp>
#include <string>

#include "test_app.hpp"

using huicai::mysql::Pool;
using huicai::mysql::Session;

namespace {

std::string current_database(Session& session) {
  auto rows = huicai::mysql::query(session.prepare("SELECT DATABASE() AS name"));
  rows->next();
  return std::string(rows->getString("name"));
}

std::string database_of(bool admin) {
  huicai::test::IoThread io;
  Pool pool(io.executor(), huicai::test::mysql_test_options(admin, 1));
  const auto query = [](Session& session) { return current_database(session); };
  auto name = io.run<std::string>(
      [&]() -> boost::asio::awaitable<std::string> { co_return co_await pool.run(query); });
  pool.close();
  return name;
}

}  // namespace

TEST_CASE("test processes are configured for the test database", "[mysql][test_database]") {
  const auto config = huicai::Config::from_environment();
  CHECK(config.mysql_database == HUICAI_TEST_MYSQL_DATABASE);
  CHECK(config.mysql_database != huicai::Config{}.mysql_database);  // the demo's default
  CHECK(config.redis_database == std::stoi(HUICAI_TEST_REDIS_DATABASE));
}

TEST_CASE("test pools, app user and admin user, are connected to the test database",
          "[mysql][test_database]") {
  CHECK(database_of(false) == HUICAI_TEST_MYSQL_DATABASE);
  CHECK(database_of(true) == HUICAI_TEST_MYSQL_DATABASE);
}

TEST_CASE("a TestApp's pool and Redis client use the test databases", "[mysql][test_database]") {
  huicai::test::TestApp app({});
  auto& pool = app.context().db();
  const auto query = [](Session& session) { return current_database(session); };
  const auto name = app.run<std::string>(
      [&]() -> boost::asio::awaitable<std::string> { co_return co_await pool.run(query); });
  CHECK(name == HUICAI_TEST_MYSQL_DATABASE);
  auto& redis = app.context().redis();
  REQUIRE(huicai::test::wait_until([&] { return redis.connected(); }, std::chrono::seconds(5)));
  const auto info = app.run<std::string>([&]() -> boost::asio::awaitable<std::string> {
    const std::vector<std::string> command{"CLIENT", "INFO"};
    auto reply = co_await redis.command_or_throw(command);
    co_return reply.text;
  });
  CHECK_THAT(info, Catch::Contains(" db=" HUICAI_TEST_REDIS_DATABASE " "));
}
