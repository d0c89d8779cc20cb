// Helper of tests/bench/order_placement.sh (not a test):
//   order_placement_tool token <account_id>
//       prints an access token of an employee principal (signed with HUICAI_TOKEN_SECRET)
//   order_placement_tool direct <connections> <seconds> <account_id> <sku_file>
//       runs the order-placement transaction itself (ordering's place_order: price from the
//       catalog view, reserve stock, order + fulfilments + lines + history + outbox) directly
//       through a MySQL pool of <connections> connections, <connections> at a time, and prints
//       one JSON line: orders per second, p50 and p99 latency in ms, errors.
//       <sku_file> has one "<supplier_id> <sku_id>" per line (the script writes it); every order
//       is 1 unit each of a random SKU of two different random suppliers, exactly what the
//       script's wrk requests send (with two suppliers of one SKU each: the hot-SKU mode).
#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/mysql/driver.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>
#include <huicai/core/redis/client.hpp>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "place_order.hpp"

using namespace huicai;

namespace {

int token(std::int64_t account_id) {
  const Config config = Config::from_environment();
  auth::TokenService tokens(config);
  auth::Principal principal;
  principal.account_id = static_cast<std::uint64_t>(account_id);
  principal.login = "bench" + std::to_string(account_id);
  principal.roles = {auth::Role::employee};
  std::cout << tokens.issue_access(principal).token << "\n";
  return 0;
}

// SKU ids per supplier, from the script's file.
std::vector<std::vector<std::int64_t>> read_skus(const std::string& path) {
  std::ifstream in(path);
  std::map<std::int64_t, std::vector<std::int64_t>> by_supplier;
  std::int64_t supplier = 0, sku = 0;
  while (in >> supplier >> sku) by_supplier[supplier].push_back(sku);
  std::vector<std::vector<std::int64_t>> result;
  for (auto& [_, skus] : by_supplier) result.push_back(std::move(skus));
  if (result.size() < 2) throw std::runtime_error(path + ": need SKUs of at least 2 suppliers");
  return result;
}

// Two lines: a random SKU of each of two different random suppliers.
std::vector<ordering::PlacementLine> random_lines(
    const std::vector<std::vector<std::int64_t>>& suppliers, std::mt19937_64& random) {
  const auto count = suppliers.size();
  const auto first = random() % count;
  const auto second = (first + 1 + random() % (count - 1)) % count;
  const auto& a = suppliers[first];
  const auto& b = suppliers[second];
  return {{a[random() % a.size()], 1}, {b[random() % b.size()], 1}};
}

int direct(int connections, int seconds, std::int64_t account_id, const std::string& sku_file) {
  const auto suppliers = read_skus(sku_file);
  const Config config = Config::from_environment();
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  auto options = mysql::pool_options_from(config);
  options.size = static_cast<std::size_t>(connections);
  mysql::Pool pool(io.get_executor(), options);

  ordering::PlacementInput input;
  input.buyer_account_id = account_id;
  input.buyer_kind = "employee";
  input.plan = ordering::FundPlan::personal;
  input.year = ordering::current_budget_year();
  input.actor.account_id = account_id;

  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> errors{0};
  std::mutex mutex;
  std::vector<double> latencies;
  std::vector<std::thread> workers;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < connections; ++i) {
    workers.emplace_back([&, i] {
      std::vector<double> mine;
      std::mt19937_64 random(static_cast<std::uint64_t>(account_id) * 1000 + i);
      auto order = input;
      while (!stop.load()) {
        order.lines = random_lines(suppliers, random);
        const auto begin = std::chrono::steady_clock::now();
        try {
          pool.run_blocking([&](mysql::Session& session) { ordering::place_order(session, order); },
                            true);
          mine.push_back(
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin)
                  .count());
        } catch (const std::exception& error) {
          if (errors.fetch_add(1) < 3) std::cerr << "error: " << error.what() << "\n";
        }
      }
      std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& worker : workers) worker.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::sort(latencies.begin(), latencies.end());
  auto percentile = [&](double p) {
    return latencies.empty() ? 0.0
                             : latencies[static_cast<std::size_t>(p * (latencies.size() - 1))];
  };
  std::printf(
      "{\"connections\":%d,\"orders\":%zu,\"orders_per_second\":%.1f,\"p50_ms\":%.2f,"
      "\"p99_ms\":%.2f,\"errors\":%lld}\n",
      connections, latencies.size(), latencies.size() / elapsed, percentile(0.50), percentile(0.99),
      static_cast<long long>(errors.load()));
  pool.close();
  guard.reset();
  io.stop();
  io_thread.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  mysql::initialize_driver();
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "token") return token(std::stoll(args[1]));
  if (args.size() == 5 && args[0] == "direct") {
    return direct(std::stoi(args[1]), std::stoi(args[2]), std::stoll(args[3]), args[4]);
  }
  std::cerr << "usage: order_placement_tool token <account_id>\n"
               "       order_placement_tool direct <connections> <seconds> <account_id> "
               "<sku_file>\n";
  return 2;
}
