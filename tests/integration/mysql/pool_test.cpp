// The MySQL pool against the real MariaDB of deploy/stack.sh: concurrency bounded by the pool
// size, deadlocks retried, statements cached per connection, overload answered with
// ServiceUnavailable, failed transactions rolled back.

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <future>
#include <huicai/core/errors.hpp>
#include <huicai/core/mysql/after_commit.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <io_thread.hpp>
#include <mutex>
#include <mysql_test_options.hpp>
#include <set>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using huicai::ServiceUnavailable;
using huicai::mysql::Pool;
using huicai::mysql::Session;
using huicai::test::IoThread;
using huicai::test::mysql_test_options;
using huicai::test::unique_suffix;

namespace {

// Blocks a pool thread until released, bounded so a broken test fails instead of hanging.
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, 10s, [&] { return open_; })) {
      throw std::runtime_error("gate never opened");
    }
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
};

// Both parties wait until the other has arrived (a std::barrier with a timeout).
class Rendezvous {
 public:
  explicit Rendezvous(int parties) : missing_(parties) {}
  void arrive_and_wait() {
    std::unique_lock lock(mutex_);
    if (--missing_ == 0) changed_.notify_all();
    if (!changed_.wait_for(lock, 10s, [&] { return missing_ <= 0; })) {
      throw std::runtime_error("the other transaction never arrived");
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int missing_;
};

// Creates a throwaway table in huicai with the admin user and drops it afterwards.
class TestTable {
 public:
  TestTable(IoThread& io, const std::string& stem, const std::string& columns)
      : admin_(io.executor(), mysql_test_options(true, 1)),
        name_("selftest_" + stem + "_" + unique_suffix()) {
    admin_.run_blocking([&](Session& session) {
      session.execute_direct("CREATE TABLE " + name_ + " (" + columns + ") ENGINE=InnoDB");
    });
  }
  ~TestTable() {
    try {
      admin_.run_blocking(
          [&](Session& session) { session.execute_direct("DROP TABLE IF EXISTS " + name_); });
    } catch (...) {
    }
  }
  const std::string& name() const { return name_; }

 private:
  Pool admin_;
  std::string name_;
};

std::int64_t select_int(Session& session, const std::string& sql) {
  auto rows = huicai::mysql::query(session.prepare(sql));
  if (!rows->next()) throw std::runtime_error("no row for " + sql);
  return rows->getInt64(1);
}

}  // namespace

TEST_CASE("64 concurrent coroutines share a 4-connection pool", "[mysql][pool]") {
  IoThread io;
  Pool pool(io.executor(), mysql_test_options(false, 4));
  std::atomic<int> running{0};
  std::atomic<int> most_running{0};
  std::atomic<bool> resumed_elsewhere{false};
  std::mutex threads_mutex;
  std::set<std::thread::id> pool_threads;

  std::vector<std::future<std::int64_t>> results;
  for (int i = 0; i < 64; ++i) {
    results.push_back(boost::asio::co_spawn(
        io.io(),
        [&, i]() -> boost::asio::awaitable<std::int64_t> {
          auto value = co_await pool.run([&, i](Session& session) {
            const int now = ++running;
            int seen = most_running.load();
            while (now > seen && !most_running.compare_exchange_weak(seen, now)) {
            }
            {
              std::lock_guard lock(threads_mutex);
              pool_threads.insert(std::this_thread::get_id());
            }
            // The short sleep keeps every connection busy, so calls really overlap.
            auto& statement = session.prepare("SELECT ? * 2 FROM (SELECT SLEEP(0.005)) AS pause");
            huicai::mysql::bind(statement, i);
            auto rows = huicai::mysql::query(statement);
            rows->next();
            const std::int64_t doubled = rows->getInt64(1);
            --running;
            return doubled;
          });
          // The result comes back on the caller's executor, not on a pool thread.
          if (!io.io().get_executor().running_in_this_thread()) resumed_elsewhere = true;
          co_return value;
        },
        boost::asio::use_future));
  }
  for (int i = 0; i < 64; ++i) {
    REQUIRE(results[i].wait_for(30s) == std::future_status::ready);
    CHECK(results[i].get() == 2 * i);
  }
  CHECK_FALSE(resumed_elsewhere);
  CHECK(most_running.load() <= 4);
  CHECK(most_running.load() >= 2);
  CHECK(pool_threads.size() <= 4);
  const auto stats = pool.stats();
  CHECK(stats.size == 4);
  CHECK(stats.calls >= 64);
  CHECK(stats.busy == 0);
  CHECK(stats.waiting == 0);
}

TEST_CASE("a forced deadlock is retried and both transactions commit", "[mysql][pool]") {
  IoThread io;
  std::atomic<int> effects{0};  // after-commit effects: one per committed transaction
  TestTable table(io, "deadlock", "id INT PRIMARY KEY, hits INT NOT NULL");
  Pool pool(io.executor(), mysql_test_options(false, 2));
  pool.run_blocking([&](Session& session) {
    session.execute_direct("INSERT INTO " + table.name() + " VALUES (1, 0), (2, 0)");
  });

  Rendezvous both_hold_first_lock(2);
  auto lock_in_order = [&](int first, int second, std::atomic<int>& attempts) {
    return [&, first, second](Session& session) {
      const bool first_attempt = ++attempts == 1;
      const std::string lock_row = "SELECT hits FROM " + table.name() + " WHERE id = ? FOR UPDATE";
      auto& lock = session.prepare(lock_row);
      huicai::mysql::query(huicai::mysql::bind(lock, first));
      // Only the first attempts meet: then each holds one row and asks for the other's.
      if (first_attempt) both_hold_first_lock.arrive_and_wait();
      huicai::mysql::query(huicai::mysql::bind(session.prepare(lock_row), second));
      auto& bump =
          session.prepare("UPDATE " + table.name() + " SET hits = hits + 1 WHERE id IN (?, ?)");
      huicai::mysql::bind(bump, first, second);
      bump.executeUpdate();
      huicai::mysql::after_commit(session, [&] { ++effects; });
    };
  };
  std::atomic<int> attempts_a{0};
  std::atomic<int> attempts_b{0};
  const auto retries_before = pool.stats().transaction_retries;
  auto a = boost::asio::co_spawn(io.io(), pool.transaction(lock_in_order(1, 2, attempts_a)),
                                 boost::asio::use_future);
  auto b = boost::asio::co_spawn(io.io(), pool.transaction(lock_in_order(2, 1, attempts_b)),
                                 boost::asio::use_future);
  REQUIRE(a.wait_for(30s) == std::future_status::ready);
  REQUIRE(b.wait_for(30s) == std::future_status::ready);
  REQUIRE_NOTHROW(a.get());
  REQUIRE_NOTHROW(b.get());

  CHECK(pool.stats().transaction_retries > retries_before);
  CHECK(attempts_a + attempts_b >= 3);  // one of them ran again
  CHECK(effects == 2);                  // the attempt that rolled back asked in vain
  pool.run_blocking([&](Session& session) {
    CHECK(select_int(session, "SELECT SUM(hits) FROM " + table.name()) == 4);
    CHECK(select_int(session, "SELECT MIN(hits) FROM " + table.name()) == 2);
  });
}

TEST_CASE("prepared statements are cached per connection and come back cleared", "[mysql][pool]") {
  IoThread io;
  Pool pool(io.executor(), mysql_test_options(false, 1));
  auto* first =
      pool.run_blocking([](Session& session) { return &session.prepare("SELECT ? + 1"); });
  auto* again = pool.run_blocking([](Session& session) {
    auto& statement = session.prepare("SELECT ? + 1");
    statement.setInt(1, 41);
    auto rows = huicai::mysql::query(statement);
    rows->next();
    CHECK(rows->getInt(1) == 42);
    return &statement;
  });
  CHECK(first == again);
  // The parameter bound above does not leak into the next use.
  pool.run_blocking([](Session& session) {
    auto& statement = session.prepare("SELECT ? + 1");
    CHECK_THROWS_AS(statement.executeQuery(), sql::SQLException);
  });
}

TEST_CASE("calls beyond the queue limit are refused with ServiceUnavailable", "[mysql][pool]") {
  IoThread io;
  auto options = mysql_test_options(false, 1);
  options.queue_limit = 2;
  options.queue_timeout = 20s;
  Pool pool(io.executor(), options);
  Gate gate;
  auto blocker = boost::asio::co_spawn(io.io(), pool.run([&](Session&) { gate.wait(); }),
                                       boost::asio::use_future);
  REQUIRE(huicai::test::wait_until([&] { return pool.stats().busy == 1; }, 5s));
  auto queued_1 = boost::asio::co_spawn(
      io.io(), pool.run([](Session& session) { return select_int(session, "SELECT 1"); }),
      boost::asio::use_future);
  auto queued_2 = boost::asio::co_spawn(
      io.io(), pool.run([](Session& session) { return select_int(session, "SELECT 2"); }),
      boost::asio::use_future);
  REQUIRE(huicai::test::wait_until([&] { return pool.stats().waiting == 2; }, 5s));

  auto refused = boost::asio::co_spawn(
      io.io(), pool.run([](Session& session) { return select_int(session, "SELECT 3"); }),
      boost::asio::use_future);
  REQUIRE(refused.wait_for(2s) == std::future_status::ready);
  CHECK_THROWS_AS(refused.get(), ServiceUnavailable);

  gate.open();
  REQUIRE(queued_1.wait_for(10s) == std::future_status::ready);
  REQUIRE(queued_2.wait_for(10s) == std::future_status::ready);
  CHECK(queued_1.get() == 1);
  CHECK(queued_2.get() == 2);
  blocker.get();
}

TEST_CASE("a call waiting longer than queue_timeout fails with ServiceUnavailable",
          "[mysql][pool]") {
  IoThread io;
  auto options = mysql_test_options(false, 1);
  options.queue_timeout = 300ms;
  Pool pool(io.executor(), options);
  Gate gate;
  auto blocker = boost::asio::co_spawn(io.io(), pool.run([&](Session&) { gate.wait(); }),
                                       boost::asio::use_future);
  REQUIRE(huicai::test::wait_until([&] { return pool.stats().busy == 1; }, 5s));
  const auto started = std::chrono::steady_clock::now();
  auto waiting = boost::asio::co_spawn(
      io.io(), pool.run([](Session& session) { return select_int(session, "SELECT 1"); }),
      boost::asio::use_future);
  REQUIRE(waiting.wait_for(5s) == std::future_status::ready);
  CHECK_THROWS_AS(waiting.get(), ServiceUnavailable);
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited >= 250ms);
  CHECK(waited < 2s);
  gate.open();
  blocker.get();
}

TEST_CASE("an exception inside a transaction rolls it back", "[mysql][pool]") {
  IoThread io;
  TestTable table(io, "rollback", "id INT PRIMARY KEY");
  Pool pool(io.executor(), mysql_test_options(false, 1));
  const std::string insert = "INSERT INTO " + table.name() + " VALUES (?)";
  auto failing = boost::asio::co_spawn(io.io(), pool.transaction([&](Session& session) {
    huicai::mysql::bind(session.prepare(insert), 1).executeUpdate();
    throw std::runtime_error("changed my mind");
  }),
                                       boost::asio::use_future);
  REQUIRE(failing.wait_for(10s) == std::future_status::ready);
  CHECK_THROWS_WITH(failing.get(), "changed my mind");

  // The same connection is back in autocommit mode: this insert stays without a COMMIT.
  io.run<void>([&]() -> boost::asio::awaitable<void> {
    co_await pool.run(
        [&](Session& session) { huicai::mysql::bind(session.prepare(insert), 2).executeUpdate(); });
  });
  pool.run_blocking([&](Session& session) {
    CHECK(select_int(session, "SELECT COUNT(*) FROM " + table.name()) == 1);
    CHECK(select_int(session, "SELECT MIN(id) FROM " + table.name()) == 2);
  });
}

TEST_CASE("after-commit effects run once the work is committed, never when it is not",
          "[mysql][pool]") {
  IoThread io;
  TestTable table(io, "after_commit", "id INT PRIMARY KEY");
  Pool pool(io.executor(), mysql_test_options(false, 1));
  const std::string insert = "INSERT INTO " + table.name() + " VALUES (?)";
  const std::string count = "SELECT COUNT(*) FROM " + table.name();
  std::atomic<int> ran{0};
  // What the effect saw: the row committed, read on a connection of another pool.
  Pool observer(io.executor(), mysql_test_options(false, 1));
  std::atomic<long long> rows_seen{-1};
  auto effect = [&] {
    ++ran;
    rows_seen = observer.run_blocking([&](Session& other) { return select_int(other, count); });
  };

  SECTION("a transaction that commits: once, after the COMMIT") {
    pool.run_blocking(
        [&](Session& session) {
          huicai::mysql::bind(session.prepare(insert), 1).executeUpdate();
          huicai::mysql::after_commit(session, effect);
        },
        true);
    CHECK(ran == 1);
    CHECK(rows_seen == 1);
  }
  SECTION("a transaction that throws: never") {
    CHECK_THROWS_WITH(pool.run_blocking(
                          [&](Session& session) {
                            huicai::mysql::bind(session.prepare(insert), 1).executeUpdate();
                            huicai::mysql::after_commit(session, effect);
                            throw std::runtime_error("changed my mind");
                          },
                          true),
                      "changed my mind");
    CHECK(ran == 0);
  }
  SECTION("a COMMIT the server refuses: never") {
    CHECK_THROWS_AS(pool.run_blocking(
                        [&](Session& session) {
                          session.execute_direct("XA START 'after-" + unique_suffix() + "'");
                          huicai::mysql::bind(session.prepare(insert), 1).executeUpdate();
                          huicai::mysql::after_commit(session, effect);
                        },
                        true),
                    sql::SQLException);
    CHECK(ran == 0);
  }
  SECTION("an autocommit call: after it returned") {
    pool.run_blocking([&](Session& session) {
      huicai::mysql::bind(session.prepare(insert), 1).executeUpdate();
      huicai::mysql::after_commit(session, effect);
    });
    CHECK(ran == 1);
    CHECK(rows_seen == 1);
  }
  // Nothing left over for the connection's next call.
  const int after_call = ran;
  pool.run_blocking([](Session&) {}, true);
  CHECK(ran == after_call);
  observer.close();
}

TEST_CASE("a duplicate key inside a transaction is the caller's error, not retried",
          "[mysql][pool]") {
  IoThread io;
  TestTable table(io, "duplicate", "id INT PRIMARY KEY");
  Pool pool(io.executor(), mysql_test_options(false, 1));
  const std::string insert = "INSERT INTO " + table.name() + " VALUES (?)";
  int attempts = 0;
  try {
    pool.run_blocking(
        [&](Session& session) {
          ++attempts;
          huicai::mysql::bind(session.prepare(insert), 7).executeUpdate();
          huicai::mysql::bind(session.prepare(insert), 7).executeUpdate();
        },
        true);
    FAIL("no error");
  } catch (const sql::SQLException& error) {
    CHECK(error.getErrorCode() == huicai::mysql::kErrorDuplicateKey);
  }
  CHECK(attempts == 1);
  pool.run_blocking([&](Session& session) {
    CHECK(select_int(session, "SELECT COUNT(*) FROM " + table.name()) == 0);
  });
}

TEST_CASE("the application user may not change the schema", "[mysql][pool]") {
  IoThread io;
  Pool pool(io.executor(), mysql_test_options(false, 1));
  try {
    pool.run_blocking([](Session& session) {
      session.execute_direct("CREATE TABLE selftest_forbidden_" + unique_suffix() + " (id INT)");
    });
    FAIL("the app user created a table");
  } catch (const sql::SQLException& error) {
    CHECK(error.getErrorCode() == 1142);  // ER_TABLEACCESS_DENIED_ERROR
  }
}

TEST_CASE("sessions run in UTC with strict sql_mode and snapshot isolation", "[mysql][pool]") {
  IoThread io;
  Pool pool(io.executor(), mysql_test_options(false, 1));
  pool.run_blocking([](Session& session) {
    auto rows = huicai::mysql::query(session.prepare(
        "SELECT @@session.time_zone, @@session.sql_mode, @@global.innodb_snapshot_isolation, "
        "@@character_set_connection"));
    REQUIRE(rows->next());
    CHECK(std::string(rows->getString(1)) == "+00:00");
    CHECK(std::string(rows->getString(2)).find("STRICT_ALL_TABLES") != std::string::npos);
    CHECK(rows->getInt(3) == 1);
    CHECK(std::string(rows->getString(4)) == "utf8mb4");
  });
}

TEST_CASE("an unreachable server fails fast with ServiceUnavailable", "[mysql][pool]") {
  IoThread io;
  auto options = mysql_test_options(false, 2);
  options.port = 1;  // nothing listens there
  Pool pool(io.executor(), options);
  const auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(io.run<std::int64_t>([&]() -> boost::asio::awaitable<std::int64_t> {
    co_return co_await pool.run([](Session& session) { return select_int(session, "SELECT 1"); });
  }),
                  ServiceUnavailable);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK_FALSE(io.run<bool>([&]() { return pool.ping(); }));
  CHECK(pool.stats().failures >= 1);
}

namespace {

// Kills the session the job runs on, as a server restart or a network cut would.
void kill_own_connection(Session& session) {
  const auto id = select_int(session, "SELECT CONNECTION_ID()");
  session.execute_direct("KILL CONNECTION " + std::to_string(id));
}

}  // namespace

TEST_CASE("a transaction whose connection dies before COMMIT runs again on a new connection",
          "[mysql][pool]") {
  IoThread io;
  TestTable table(io, "lost", "id INT PRIMARY KEY, attempt INT NOT NULL");
  Pool pool(io.executor(), mysql_test_options(false, 1));
  const auto before = pool.stats();
  int attempts = 0;
  pool.run_blocking(
      [&](Session& session) {
        ++attempts;
        auto& insert = session.prepare("INSERT INTO " + table.name() + " VALUES (1, ?)");
        huicai::mysql::bind(insert, attempts).executeUpdate();
        if (attempts == 1) kill_own_connection(session);  // never committed
      },
      true);
  CHECK(attempts == 2);
  const auto after = pool.stats();
  CHECK(after.transaction_retries == before.transaction_retries + 1);
  CHECK(after.reconnects == before.reconnects + 1);
  pool.run_blocking([&](Session& session) {
    CHECK(select_int(session, "SELECT COUNT(*) FROM " + table.name()) == 1);
    CHECK(select_int(session, "SELECT attempt FROM " + table.name()) == 2);
  });
}

// Galera answers COMMIT with 1213 when the transaction lost certification, and a node that
// stops drops the connection while COMMIT is in flight. Either way nothing may pass for
// committed: Connector/C++ 1.1's Connection::commit() ignores the server's answer, so these two
// calls returned normally (and the order service answered 201 for orders that do not exist).
TEST_CASE("a COMMIT the server refuses fails the call and writes nothing", "[mysql][pool]") {
  IoThread io;
  TestTable table(io, "refused", "id INT PRIMARY KEY");
  Pool pool(io.executor(), mysql_test_options(false, 1));
  // A plain server refuses COMMIT inside an active XA transaction (1399) on a live connection,
  // as Galera refuses a transaction that lost certification.
  CHECK_THROWS_AS(pool.run_blocking(
                      [&](Session& session) {
                        session.execute_direct("XA START 'refused-" + unique_suffix() + "'");
                        session.execute_direct("INSERT INTO " + table.name() + " VALUES (1)");
                      },
                      true),
                  sql::SQLException);
  CHECK(pool.run_blocking([&](Session& session) {
    return select_int(session, "SELECT COUNT(*) FROM " + table.name());
  }) == 0);
}

TEST_CASE("a transaction whose connection dies at COMMIT is an unknown outcome, not a commit",
          "[mysql][pool]") {
  IoThread io;
  TestTable table(io, "commit_lost", "id INT PRIMARY KEY");
  Pool pool(io.executor(), mysql_test_options(false, 1));
  Pool other(io.executor(), mysql_test_options(false, 1));
  int attempts = 0;
  CHECK_THROWS_WITH(pool.run_blocking(
                        [&](Session& session) {
                          ++attempts;
                          session.execute_direct("INSERT INTO " + table.name() + " VALUES (1)");
                          // Another session kills this one and waits until the server has let it
                          // go: the job then ends normally and its COMMIT meets a closed
                          // connection.
                          const auto id =
                              std::to_string(select_int(session, "SELECT CONNECTION_ID()"));
                          other.run_blocking([&](Session& killer) {
                            killer.execute_direct("KILL CONNECTION " + id);
                            const auto deadline = std::chrono::steady_clock::now() + 10s;
                            while (select_int(killer,
                                              "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                                              "WHERE ID = " +
                                                  id) != 0) {
                              if (std::chrono::steady_clock::now() > deadline) {
                                throw std::runtime_error("the killed session never went away");
                              }
                              std::this_thread::sleep_for(10ms);
                            }
                          });
                        },
                        true),
                    Catch::Contains("outcome unknown"));
  CHECK(attempts == 1);  // never run again: it might have committed
  CHECK(pool.run_blocking([&](Session& session) {
    return select_int(session, "SELECT COUNT(*) FROM " + table.name());
  }) == 0);
}

TEST_CASE("an autocommit call whose connection dies is not rerun, the next call reconnects",
          "[mysql][pool]") {
  IoThread io;
  Pool pool(io.executor(), mysql_test_options(false, 1));
  int attempts = 0;
  CHECK_THROWS_AS(pool.run_blocking([&](Session& session) {
    ++attempts;
    kill_own_connection(session);
  }),
                  ServiceUnavailable);
  CHECK(attempts == 1);
  CHECK(pool.run_blocking([](Session& session) { return select_int(session, "SELECT 5"); }) == 5);
  CHECK(pool.stats().reconnects >= 1);
}

TEST_CASE("a server that cannot be reached is passed over for the next fallback", "[mysql][pool]") {
  IoThread io;
  auto options = mysql_test_options(false, 1);
  const huicai::mysql::Endpoint reachable{options.host, options.port};
  options.port = 1;  // nothing listens there: the first node of a cluster is down
  options.fallbacks = {{"127.0.0.1", 2}, reachable};
  Pool pool(io.executor(), options);
  int attempts = 0;
  CHECK(pool.run_blocking(
            [&](Session& session) {
              ++attempts;
              return select_int(session, "SELECT @@port");
            },
            true) == reachable.port);
  CHECK(attempts == 1);
  // The connection stays with the server it reached: after it is lost, the next call
  // reconnects (to the same fallback) and succeeds.
  CHECK_THROWS_AS(pool.run_blocking([&](Session& session) { kill_own_connection(session); }),
                  ServiceUnavailable);
  CHECK(pool.run_blocking([](Session& session) { return select_int(session, "SELECT @@port"); }) ==
        reachable.port);
  CHECK(pool.stats().failures == 1);
}

TEST_CASE("with no reachable server among the fallbacks the call fails with ServiceUnavailable",
          "[mysql][pool]") {
  IoThread io;
  auto options = mysql_test_options(false, 1);
  options.port = 1;
  options.fallbacks = {{"127.0.0.1", 2}, {"127.0.0.1", 3}};
  Pool pool(io.executor(), options);
  CHECK_THROWS_WITH(
      pool.run_blocking([](Session& session) { return select_int(session, "SELECT 1"); }),
      Catch::Contains("nor its fallbacks"));
}

TEST_CASE("a call goes to an idle connection already set the way it needs: no SET round trip",
          "[mysql][pool]") {
  // Background workers run READ COMMITTED transactions (the outbox relays' claims) between the
  // requests' REPEATABLE READ ones on the same pool; each switch of a connection's isolation
  // level or autocommit mode is a SET round trip.
  IoThread io;
  Pool pool(io.executor(), mysql_test_options(false, 4));
  struct Seen {
    std::set<std::int64_t> connections;
    std::int64_t set_statements_first = -1;
    std::int64_t set_statements_last = -1;
  };
  bool measuring = false;  // after a few rounds, once each kind has found its connection
  auto observe = [&measuring](Seen& seen) {
    return [&seen, &measuring](Session& session) {
      if (!measuring) return;
      seen.connections.insert(select_int(session, "SELECT CONNECTION_ID()"));
      auto rows = huicai::mysql::query(
          session.prepare("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
                          "WHERE VARIABLE_NAME = 'COM_SET_OPTION'"));
      REQUIRE(rows->next());
      const auto set_statements = static_cast<std::int64_t>(rows->getInt64(1));
      if (seen.set_statements_first < 0) seen.set_statements_first = set_statements;
      seen.set_statements_last = set_statements;
    };
  };
  Seen read_committed, repeatable_read, autocommit;
  io.run<void>([&]() -> boost::asio::awaitable<void> {
    for (int round = 0; round < 23; ++round) {
      measuring = round >= 3;
      co_await pool.transaction(observe(read_committed), huicai::mysql::Isolation::read_committed);
      co_await pool.transaction(observe(repeatable_read));
      co_await pool.run(observe(autocommit));
    }
  });
  // One after another, each kind of call keeps landing on the one connection set up for it,
  // and no further SET was needed there.
  CHECK(read_committed.connections.size() == 1);
  CHECK(repeatable_read.connections.size() == 1);
  CHECK(autocommit.connections.size() == 1);
  CHECK(read_committed.set_statements_last == read_committed.set_statements_first);
  CHECK(repeatable_read.set_statements_last == repeatable_read.set_statements_first);
  CHECK(autocommit.set_statements_last == autocommit.set_statements_first);
}
