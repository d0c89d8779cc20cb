// SELECT 1 through the MySQL pool from many coroutines, against the same query on one plain
// blocking connection. Needs the stack (deploy/stack.sh start). Run:
//   build/tests/bench/mysql_pool_bench [seconds=5] [coroutines=64] [pool sizes=1,2,4,8]
// Prints one line per configuration: calls/s and the mean latency a coroutine saw.

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/resultset.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <huicai/core/config.hpp>
#include <huicai/core/mysql/driver.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// CPU time of the whole process (all our threads; not the server's), in seconds: less
// sensitive than calls/s to other work on the machine.
double process_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

huicai::mysql::PoolOptions options_from_environment(std::size_t size) {
  auto options = huicai::mysql::pool_options_from(huicai::Config::from_environment());
  options.size = size;
  return options;
}

std::int64_t select_one(huicai::mysql::Session& session) {
  auto rows = huicai::mysql::query(session.prepare("SELECT 1"));
  rows->next();
  return rows->getInt64(1);
}

void bench_blocking(double seconds) {
  const auto options = options_from_environment(1);
  sql::ConnectOptionsMap properties;
  properties["hostName"] =
      sql::SQLString("tcp://" + options.host + ":" + std::to_string(options.port));
  properties["userName"] = sql::SQLString(options.user);
  properties["password"] = sql::SQLString(options.password);
  properties["schema"] = sql::SQLString(options.database);
  // The same timeouts as the pool's connections (they make the client poll() before reads),
  // so the comparison is about the pool alone.
  properties["OPT_CONNECT_TIMEOUT"] = static_cast<int>(options.connect_timeout.count());
  properties["OPT_READ_TIMEOUT"] = static_cast<int>(options.read_timeout.count());
  properties["OPT_WRITE_TIMEOUT"] = static_cast<int>(options.write_timeout.count());
  properties["OPT_RECONNECT"] = false;
  std::unique_ptr<sql::Connection> connection(
      huicai::mysql::initialize_driver().connect(properties));
  std::unique_ptr<sql::PreparedStatement> statement(connection->prepareStatement("SELECT 1"));
  std::uint64_t calls = 0;
  const double cpu_started = process_cpu_seconds();
  const auto started = Clock::now();
  const auto end = started + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery());
    rows->next();
    ++calls;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  const double cpu = process_cpu_seconds() - cpu_started;
  std::printf(
      "blocking, 1 connection, 1 thread          %9.0f calls/s  mean %7.1f us  client cpu %5.1f "
      "us/call\n",
      calls / elapsed, elapsed / calls * 1e6, cpu / calls * 1e6);
}

void bench_pool(double seconds, int coroutines, std::size_t size) {
  boost::asio::io_context io;
  huicai::mysql::Pool pool(io.get_executor(), options_from_environment(size));
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> errors{0};
  const double cpu_started = process_cpu_seconds();
  const auto started = Clock::now();
  const auto end = started + std::chrono::duration<double>(seconds);
  for (int i = 0; i < coroutines; ++i) {
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          while (Clock::now() < end) {
            try {
              co_await pool.run(select_one);
              calls.fetch_add(1, std::memory_order_relaxed);
            } catch (const std::exception&) {
              errors.fetch_add(1, std::memory_order_relaxed);
            }
          }
        },
        boost::asio::detached);
  }
  io.run();  // one I/O thread, as in the services
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  const double cpu = process_cpu_seconds() - cpu_started;
  const double rate = calls / elapsed;
  std::printf(
      "pool of %zu, %d coroutines, 1 I/O thread %s%9.0f calls/s  mean %7.1f us  client cpu %5.1f "
      "us/call  errors %llu\n",
      size, coroutines, size < 10 ? " " : "", rate, coroutines / rate * 1e6,
      cpu / static_cast<double>(calls) * 1e6, static_cast<unsigned long long>(errors.load()));
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
  const int coroutines = argc > 2 ? std::atoi(argv[2]) : 64;
  std::vector<std::size_t> sizes{1, 2, 4, 8};
  if (argc > 3) {
    sizes.clear();
    std::stringstream list(argv[3]);
    for (std::string item; std::getline(list, item, ',');) sizes.push_back(std::stoul(item));
  }
  huicai::mysql::initialize_driver();
  bench_blocking(seconds);
  for (auto size : sizes) bench_pool(seconds, coroutines, size);
  return 0;
}
