// Helper of tests/bench/order_placement.sh (not a test):
//   order_placement_tool token <account_id>
//       prints an access token of an employee principal (signed with HUICAI_TOKEN_SECRET)
//   order_placement_tool baseline <connections> <seconds> <account_id> <sku_file>
//       the FIXED baseline of the benchmark (issue 11): the minimal order-shaped transaction,
//       as prepared statements through Connector/C++, one round trip each, one COMMIT:
//         INSERT idempotency row (completed, with a stored response)
//         2 x conditional UPDATE of the stock row (available >= 1)
//         INSERT order ... RETURNING id
//         2 x INSERT fulfilment ... RETURNING id
//         2 x INSERT order line
//         INSERT history row
//         INSERT outbox row (already marked published, so no relay picks it up)
//         COMMIT
//       It deliberately does not call ordering's code: it must not follow what the service
//       happens to execute. Runs through a MySQL pool of <connections> connections,
//       <connections> at a time, and prints one JSON line: orders per second, p50 and p99
//       latency in ms, errors. <sku_file> has one "<supplier_id> <sku_id>" per line (the script
//       writes it); every order is 1 unit each of a random SKU of two different random
//       suppliers, exactly what the script's wrk requests send.
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
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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
std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>> read_supplier_skus(
    const std::string& path) {
  std::ifstream in(path);
  std::map<std::int64_t, std::vector<std::int64_t>> by_supplier;
  std::int64_t supplier = 0, sku = 0;
  while (in >> supplier >> sku) by_supplier[supplier].push_back(sku);
  std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>> result(by_supplier.begin(),
                                                                         by_supplier.end());
  if (result.size() < 2) throw std::runtime_error(path + ": need SKUs of at least 2 suppliers");
  return result;
}

// Prepared statements of the baseline, in the order it runs them.
constexpr const char* kClaim =
    "INSERT INTO ordering_idempotency_keys (account_id, idempotency_key, request_hash, status, "
    "attempt_token, lease_until, response_status, response_body) VALUES (?, ?, ?, 'completed', "
    "?, NOW(6), 201, ?)";
constexpr const char* kReserve =
    "UPDATE ordering_stock SET available = available - 1, reserved = reserved + 1, "
    "version = version + 1 WHERE sku_id = ? AND available >= 1";
constexpr const char* kOrder =
    "INSERT INTO ordering_orders (buyer_account_id, buyer_kind, unit_path, status, fund_plan, "
    "total_fen, personal_fen, budget_year, line_count, expires_at) VALUES (?, 'employee', '', "
    "'pending_payment', 'personal', 3100, 3100, ?, 2, NOW(6) + INTERVAL 1800 SECOND) "
    "RETURNING id";
constexpr const char* kFulfilment =
    "INSERT INTO ordering_fulfilments (order_id, supplier_id, county_id, status, subtotal_fen) "
    "VALUES (?, ?, 0, 'awaiting_payment', 1550) RETURNING id";
constexpr const char* kLine =
    "INSERT INTO ordering_order_lines (order_id, fulfilment_id, sku_id, product_id, "
    "supplier_id, county_id, category_id, product_title, sku_spec, sale_unit, net_weight_grams, "
    "quantity, unit_price_fen, line_total_fen, certified) VALUES (?, ?, ?, 0, ?, 0, 0, "
    "'压测小米', '标准装', '袋', 500, 1, 1550, 1550, 0)";
constexpr const char* kHistory =
    "INSERT INTO ordering_order_history (order_id, to_status, actor_account_id, reason, "
    "request_id) VALUES (?, 'pending_payment', ?, '', '')";
constexpr const char* kOutbox =
    "INSERT INTO ordering_outbox (event_id, stream, event_type, aggregate_id, payload, "
    "request_id, occurred_at, published_at) VALUES (UUID(), 'ordering', "
    "'bench.baseline_order.v1', ?, ?, '', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))";

std::int64_t returned_id(sql::PreparedStatement& statement) {
  auto row = mysql::query(statement);
  if (!row->next()) throw std::runtime_error("RETURNING gave no row");
  return row->getInt64(1);
}

// One baseline order, inside the caller's transaction; throws when a stock row has nothing left.
void baseline_order(mysql::Session& session, std::int64_t account_id, const std::string& key,
                    const std::vector<std::pair<std::int64_t, std::int64_t>>& lines) {
  static const std::string response(600, 'r');  // about what a stored 201 weighs
  static const std::string payload(300, 'p');   // about what an order_placed event weighs
  static const std::string hash(64, 'h');
  mysql::bind(session.prepare(kClaim), account_id, key, hash, key, response).executeUpdate();
  for (const auto& [supplier, sku] : lines) {
    if (mysql::bind(session.prepare(kReserve), sku).executeUpdate() != 1) {
      throw std::runtime_error("stock ran out");
    }
  }
  const auto order = returned_id(mysql::bind(session.prepare(kOrder), account_id, 2026));
  for (const auto& [supplier, sku] : lines) {
    const auto fulfilment = returned_id(mysql::bind(session.prepare(kFulfilment), order, supplier));
    mysql::bind(session.prepare(kLine), order, fulfilment, sku, supplier).executeUpdate();
  }
  mysql::bind(session.prepare(kHistory), order, account_id).executeUpdate();
  mysql::bind(session.prepare(kOutbox), std::to_string(order), payload).executeUpdate();
}

// Two lines, (supplier, sku): a random SKU of each of two different random suppliers.
std::vector<std::pair<std::int64_t, std::int64_t>> random_supplier_lines(
    const std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>>& suppliers,
    std::mt19937_64& random) {
  const auto count = suppliers.size();
  const auto first = random() % count;
  const auto second = (first + 1 + random() % (count - 1)) % count;
  const auto& a = suppliers[first];
  const auto& b = suppliers[second];
  std::vector<std::pair<std::int64_t, std::int64_t>> lines{
      {a.first, a.second[random() % a.second.size()]},
      {b.first, b.second[random() % b.second.size()]}};
  std::sort(lines.begin(), lines.end(),
            [](const auto& x, const auto& y) { return x.second < y.second; });
  return lines;
}

int baseline(int connections, int seconds, std::int64_t account_id, const std::string& sku_file) {
  const auto suppliers = read_supplier_skus(sku_file);
  const Config config = Config::from_environment();
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  auto options = mysql::pool_options_from(config);
  options.size = static_cast<std::size_t>(connections);
  mysql::Pool pool(io.get_executor(), options);

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
      std::int64_t counter = 0;
      while (!stop.load()) {
        const auto lines = random_supplier_lines(suppliers, random);
        const auto key = "baseline-" + std::to_string(i) + "-" + std::to_string(++counter);
        const auto begin = std::chrono::steady_clock::now();
        try {
          pool.run_blocking(
              [&](mysql::Session& session) { baseline_order(session, account_id, key, lines); },
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
  if (args.size() == 5 && args[0] == "baseline") {
    return baseline(std::stoi(args[1]), std::stoi(args[2]), std::stoll(args[3]), args[4]);
  }
  std::cerr << "usage: order_placement_tool token <account_id>\n"
               "       order_placement_tool baseline <connections> <seconds> <account_id> "
               "<sku_file>\n";
  return 2;
}
