// Benchmark tool (not a test): generates a period's supplier statements with settlement's own
// code (generate_statements, in one transaction, as POST /v1/settlement/statements/generate
// does), against the database the environment names. Run under /usr/bin/time -v by
// tests/bench/settlement_1m.sh, which compares it with a bare SQL GROUP BY over the same rows.
//   settlement_statements_bench 2026-11-01
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <huicai/core/config.hpp>
#include <huicai/core/mysql/driver.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>
#include <huicai/settlement/statements.hpp>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: settlement_statements_bench <period_start YYYY-MM-01>\n";
    return 2;
  }
  try {
    huicai::mysql::initialize_driver();
    const auto config = huicai::Config::from_environment();
    const auto period = huicai::settlement::period_from(argv[1], config.statement_period_months);
    boost::asio::io_context io;
    auto options = huicai::mysql::pool_options_from(config, huicai::mysql::PoolRole::app);
    options.size = 1;
    options.read_timeout = std::chrono::hours(1);
    huicai::mysql::Pool pool(io.get_executor(), options);
    const auto started = std::chrono::steady_clock::now();
    // In a READ COMMITTED transaction, as the endpoint runs it.
    auto generation =
        boost::asio::co_spawn(io,
                              pool.transaction(
                                  [&](huicai::mysql::Session& session) {
                                    return huicai::settlement::generate_statements(session, period);
                                  },
                                  huicai::mysql::Isolation::read_committed),
                              boost::asio::use_future);
    io.run();
    const auto statements = generation.get();
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    std::cout << "statements " << statements << " seconds " << took.count() << "\n";
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "generation failed: " << error.what() << "\n";
    return 1;
  }
}
