// MariaDB goes away under a live pool (clean stop, then SIGKILL with queries in flight): calls
// fail fast with ServiceUnavailable instead of hanging, and once the server is back the same
// pool, in the same process, serves queries again on fresh connections.

#include <cppconn/resultset.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <future>
#include <huicai/core/errors.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <io_thread.hpp>
#include <mysql_test_options.hpp>
#include <string>
#include <vector>

#include "stack_control.hpp"

using namespace std::chrono_literals;
using huicai::ServiceUnavailable;
using huicai::mysql::Pool;
using huicai::mysql::Session;
using huicai::test::IoThread;

namespace {

using huicai::test::stack_control::stack;

// Whatever happens in the test, MariaDB is running again afterwards for the tests after it.
struct RestartMysqlAtEnd {
  ~RestartMysqlAtEnd() {
    const std::string line = std::string(HUICAI_SOURCE_DIR) + "/deploy/stack.sh start-mysql";
    (void)std::system(line.c_str());
  }
};

std::int64_t select_value(Session& session, std::int64_t value) {
  auto& statement = session.prepare("SELECT ? + 0");
  auto rows = huicai::mysql::query(huicai::mysql::bind(statement, value));
  if (!rows->next()) throw std::runtime_error("no row");
  return rows->getInt64(1);
}

huicai::mysql::PoolOptions restart_options() {
  auto options = huicai::test::mysql_test_options(false, 2);
  options.connect_timeout = 2s;
  options.read_timeout = 5s;
  options.write_timeout = 5s;
  return options;
}

// Outcome of one call: its value, or whether it failed with ServiceUnavailable, and how long.
struct Outcome {
  std::optional<std::int64_t> value;
  bool unavailable = false;
  std::string other_error;
  std::chrono::steady_clock::duration took{};
};

std::future<Outcome> call(IoThread& io, Pool& pool, std::int64_t value, bool in_transaction,
                          std::string extra_sql = {}) {
  return boost::asio::co_spawn(
      io.io(),
      [&pool, value, in_transaction, extra_sql]() -> boost::asio::awaitable<Outcome> {
        Outcome outcome;
        const auto started = std::chrono::steady_clock::now();
        auto job = [value, extra_sql](Session& session) {
          if (!extra_sql.empty()) huicai::mysql::query(session.prepare(extra_sql));
          return select_value(session, value);
        };
        try {
          outcome.value = in_transaction ? co_await pool.transaction(job) : co_await pool.run(job);
        } catch (const ServiceUnavailable&) {
          outcome.unavailable = true;
        } catch (const std::exception& error) {
          outcome.other_error = error.what();
        }
        outcome.took = std::chrono::steady_clock::now() - started;
        co_return outcome;
      },
      boost::asio::use_future);
}

Outcome wait(std::future<Outcome> future) {
  REQUIRE(future.wait_for(30s) == std::future_status::ready);
  return future.get();
}

void expect_recovery(IoThread& io, Pool& pool) {
  // The server is back: within a bounded time a call succeeds, then every call does.
  REQUIRE(huicai::test::wait_until([&] { return wait(call(io, pool, 7, false)).value == 7; }, 20s,
                                   100ms));
  std::vector<std::future<Outcome>> calls;
  for (int i = 0; i < 16; ++i) calls.push_back(call(io, pool, i, i % 2 == 0));
  for (int i = 0; i < 16; ++i) {
    const Outcome outcome = wait(std::move(calls[i]));
    INFO("call " << i << ": " << outcome.other_error);
    CHECK(outcome.value == i);
  }
  CHECK(pool.stats().reconnects >= 1);
}

}  // namespace

TEST_CASE("MariaDB stopped and started: fast 503s, then the same pool works again",
          "[restarts][mysql]") {
  RestartMysqlAtEnd restart_at_end;
  IoThread io;
  Pool pool(io.executor(), restart_options());
  for (int i = 0; i < 4; ++i) REQUIRE(wait(call(io, pool, i, i % 2 == 1)).value == i);

  stack("stop-mysql");
  std::vector<std::future<Outcome>> calls;
  for (int i = 0; i < 16; ++i) calls.push_back(call(io, pool, i, i % 2 == 1));
  for (auto& future : calls) {
    const Outcome outcome = wait(std::move(future));
    INFO("other error: " << outcome.other_error);
    CHECK(outcome.unavailable);
    CHECK(outcome.took < 3s);  // connect timeout (2 s) at worst, never a hang
  }
  CHECK(pool.stats().failures >= 16);

  stack("start-mysql");
  expect_recovery(io, pool);
}

TEST_CASE("MariaDB killed with queries in flight: they fail fast, then the pool recovers",
          "[restarts][mysql]") {
  RestartMysqlAtEnd restart_at_end;
  IoThread io;
  Pool pool(io.executor(), restart_options());
  REQUIRE(wait(call(io, pool, 1, false)).value == 1);

  // Both connections busy in a long statement, one of them inside a transaction.
  auto in_autocommit = call(io, pool, 2, false, "SELECT SLEEP(20)");
  auto in_transaction = call(io, pool, 3, true, "SELECT SLEEP(20)");
  REQUIRE(huicai::test::wait_until([&] { return pool.stats().busy == 2; }, 5s));
  std::this_thread::sleep_for(200ms);  // let both statements reach the server

  const auto killed_at = std::chrono::steady_clock::now();
  stack("kill-mysql");
  for (auto* future : {&in_autocommit, &in_transaction}) {
    const Outcome outcome = wait(std::move(*future));
    INFO("other error: " << outcome.other_error);
    CHECK(outcome.unavailable);
  }
  // The lost statements end when the socket closes, not when SLEEP(20) would have.
  CHECK(std::chrono::steady_clock::now() - killed_at < 5s);

  const Outcome while_down = wait(call(io, pool, 4, false));
  CHECK(while_down.unavailable);
  CHECK(while_down.took < 3s);

  stack("start-mysql");
  expect_recovery(io, pool);
}

TEST_CASE("MariaDB frozen (SIGSTOP): calls end within the timeouts, then recover",
          "[restarts][mysql]") {
  struct ThawAtEnd {
    ~ThawAtEnd() {
      const std::string line = std::string(HUICAI_SOURCE_DIR) + "/deploy/stack.sh thaw-mysql";
      (void)std::system(line.c_str());
    }
  } thaw_at_end;
  IoThread io;
  auto options = restart_options();
  options.read_timeout = 2s;
  options.write_timeout = 2s;
  options.connect_timeout = 2s;
  options.queue_timeout = 20s;
  Pool pool(io.executor(), options);
  REQUIRE(wait(call(io, pool, 1, false)).value == 1);
  REQUIRE(wait(call(io, pool, 2, true)).value == 2);

  stack("freeze-mysql");
  // On an open connection the read timeout ends the call; on a new one the connect timeout
  // (the TCP handshake succeeds, the server's greeting never comes).
  auto on_open_connection = call(io, pool, 3, false);
  auto in_transaction = call(io, pool, 4, true);
  for (auto* future : {&on_open_connection, &in_transaction}) {
    const Outcome outcome = wait(std::move(*future));
    INFO("other error: " << outcome.other_error);
    CHECK(outcome.unavailable);
    CHECK(outcome.took < 15s);
  }
  stack("thaw-mysql");
  expect_recovery(io, pool);
}
