// huicai_chaos: N cycles of mixed traffic from concurrent clients (clients.hpp) through the HTTP
// API of the running services with one seeded fault per cycle, struck while requests are in
// flight (kill -9 of ordering (API, outbox relay, payment callback worker, expiry
// sweeper), of settlement (the ledger's consumer), of aidstats (the aid totals' consumer), of
// MariaDB or of Redis, each restarted after a random delay; once per run the Redis database is
// wiped instead), then the invariant checker (checker.hpp). Prints one line per cycle and a
// summary; exits 0 only when no invariant was ever violated. The wipe happens while the aid
// totals' consumer is down, so it always takes events nobody consumed yet. Run through
// tests/chaos/run.sh (docs/chaos.md), which starts the stack and sets the environment.
//
//   huicai_chaos --build DIR [--cycles 50] [--seed N] [--ops 60] [--clients 8] [--logs DIR]
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/config.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "checker.hpp"
#include "clients.hpp"
#include "database.hpp"
#include "http_client.hpp"
#include "processes.hpp"
#include "workload.hpp"

namespace {

using namespace huicai::chaos;
using namespace std::chrono_literals;
using huicai::auth::Principal;
using huicai::auth::Role;
using std::chrono::milliseconds;

struct Options {
  std::string build, logs = "/tmp";
  int cycles = 50, ops = 60, clients = 8;
  std::uint64_t seed = 0;
};

Options parse(int argc, char** argv) {
  Options options;
  options.seed = static_cast<std::uint64_t>(
      std::chrono::system_clock::now().time_since_epoch().count() % 1'000'000);
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--build")
      options.build = value;
    else if (name == "--logs")
      options.logs = value;
    else if (name == "--cycles")
      options.cycles = std::stoi(value);
    else if (name == "--ops")
      options.ops = std::stoi(value);
    else if (name == "--clients")
      options.clients = std::stoi(value);
    else if (name == "--seed")
      options.seed = std::stoull(value);
    else
      throw std::invalid_argument("unknown option " + name);
  }
  if (options.build.empty()) throw std::invalid_argument("--build DIR is required");
  if (options.ops < 1 || options.clients < 1 || options.cycles < 1) {
    throw std::invalid_argument("--cycles, --ops and --clients must be at least 1");
  }
  return options;
}

std::uint16_t env_port(const char* name, std::uint16_t fallback) {
  const char* value = std::getenv(name);
  return value ? static_cast<std::uint16_t>(std::stoi(value)) : fallback;
}

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value ? value : fallback;
}

int budget_year() {
  const auto now = std::chrono::system_clock::now() + 8h;
  return static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
}

// Catalog rows, org units and principals of this run (fresh ids), written with the admin user
// as the owning services would have written them; budgets granted through ordering's API.
Fixture make_fixture(std::mt19937_64& random, const huicai::auth::TokenService& tokens,
                     std::uint16_t ordering_port) {
  Fixture fixture;
  Database db;
  const std::string tag = std::to_string(random() % 1'000'000'000);
  auto token = [&](Principal principal) {
    principal.login = "chaos" + std::to_string(principal.account_id);
    return tokens.issue_access(principal).token;
  };
  std::uint64_t next_account = 900'000'000'000ULL + (random() % 1'000'000) * 1000;
  const auto category = db.insert("INSERT INTO catalog_categories (code, name, path) VALUES ('ch" +
                                  tag + "', '混沌" + tag + "', '/ch" + tag + "/')");
  for (int c = 0; c < 2; ++c) {
    const auto county = db.insert(
        "INSERT INTO catalog_counties (code, name, province, prefecture, assistance_kind) VALUES "
        "('ch" +
        tag + std::to_string(c) + "', '混沌县" + tag + std::to_string(c) +
        "', '陕西省', '榆林市', 'designated')");
    fixture.counties.push_back(county);
    for (int s = 0; s < 2; ++s) {
      const auto supplier = db.insert(
          "INSERT INTO catalog_suppliers (county_id, name, kind, status, contact_name, "
          "contact_phone) VALUES (" +
          std::to_string(county) + ", '合作社" + tag + std::to_string(c) + std::to_string(s) +
          "', 'cooperative', 'active', '张三', "
          "'13800000000')");
      fixture.county_of_supplier[supplier] = county;
      Principal staff;
      staff.account_id = ++next_account;
      staff.roles = {Role::supplier_staff};
      staff.supplier_id = static_cast<std::uint64_t>(supplier);
      fixture.supplier_tokens[supplier] = token(staff);
      const int skus = (c == 0 && s == 0) ? 2 : 1;  // the first supplier also sells the hot SKU
      for (int k = 0; k < skus; ++k) {
        const auto product = db.insert(
            "INSERT INTO catalog_products (supplier_id, county_id, category_id, title, status) "
            "VALUES (" +
            std::to_string(supplier) + ", " + std::to_string(county) + ", " +
            std::to_string(category) + ", '小米" + tag + std::to_string(c) + std::to_string(s) +
            std::to_string(k) + "', 'listed')");
        const std::int64_t price = 990 + static_cast<std::int64_t>(random() % 4000);
        const auto sku = db.insert(
            "INSERT INTO catalog_skus (product_id, spec, sale_unit, net_weight_grams, price_fen) "
            "VALUES (" +
            std::to_string(product) + ", '标准装', '袋', 5000, " + std::to_string(price) + ")");
        db.execute(
            "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, "
            "target_id, county_id, valid_from, valid_to) VALUES ('CH-" +
            tag + std::to_string(product) + "', '县乡村振兴局', 'product', " +
            std::to_string(product) + ", " + std::to_string(county) +
            ", CURRENT_DATE - INTERVAL 1 DAY, CURRENT_DATE + INTERVAL 300 DAY)");
        const bool hot = k == 1;
        const std::int64_t stock = hot ? 6 : 1'000'000;
        db.execute("INSERT INTO ordering_stock (sku_id, supplier_id, available) VALUES (" +
                   std::to_string(sku) + ", " + std::to_string(supplier) + ", " +
                   std::to_string(stock) + ")");
        fixture.supplier_of_sku[sku] = supplier;
        fixture.stocked[sku] = stock;
        (hot ? fixture.hot_sku : fixture.skus.emplace_back()) = sku;
      }
    }
  }
  // Employees ordering for home.
  for (int e = 0; e < 3; ++e) {
    Principal employee;
    employee.account_id = ++next_account;
    employee.roles = {Role::employee};
    fixture.buyers.push_back(
        {static_cast<std::int64_t>(employee.account_id), false, token(employee)});
  }
  // Two units under one parent, each with a buyer, and budgets from finance down.
  auto unit_row = [&](std::optional<std::pair<std::int64_t, std::string>> parent,
                      const std::string& kind) {
    const std::string code = "chu" + tag + std::to_string(random() % 100000);
    const auto id = db.insert(
        "INSERT INTO identity_org_units (parent_id, code, name, kind, path, depth) VALUES (" +
        (parent ? std::to_string(parent->first) : std::string("NULL")) + ", '" + code + "', '单位" +
        code + "', '" + kind + "', '/', " + (parent ? "1" : "0") + ")");
    const std::string path =
        (parent ? parent->second : std::string("/")) + std::to_string(id) + "/";
    db.execute("UPDATE identity_org_units SET path = '" + path +
               "' WHERE id = " + std::to_string(id));
    return std::make_pair(id, path);
  };
  const auto parent = unit_row(std::nullopt, "subsidiary");
  Principal finance;
  finance.account_id = ++next_account;
  finance.roles = {Role::finance};
  fixture.finance_token = token(finance);
  Principal auditor;
  auditor.account_id = ++next_account;
  auditor.roles = {Role::auditor};
  fixture.auditor_token = token(auditor);
  Principal admin;
  admin.account_id = ++next_account;
  admin.roles = {Role::unit_admin};
  admin.unit_id = static_cast<std::uint64_t>(parent.first);
  admin.unit_path = parent.second;
  const auto admin_token = token(admin);
  const std::string year = std::to_string(budget_year());
  const std::string budget = R"({"granted_fen":100000000000})";
  auto put = [&](const std::string& token_value, const std::string& target,
                 const std::string& body) {
    huicai::test::HttpClient client("127.0.0.1", ordering_port, 10s);
    auto response = client.put(target, body, {{"authorization", "Bearer " + token_value}});
    if (response.status != 200) {
      throw std::runtime_error("PUT " + target + ": " + std::to_string(response.status) + " " +
                               response.body);
    }
  };
  put(fixture.finance_token, "/v1/units/" + std::to_string(parent.first) + "/budgets/" + year,
      budget);
  for (int u = 0; u < 2; ++u) {
    const auto unit = unit_row(parent, "unit");
    put(admin_token, "/v1/units/" + std::to_string(unit.first) + "/budgets/" + year,
        R"({"granted_fen":10000000000})");
    Principal buyer;
    buyer.account_id = ++next_account;
    buyer.roles = {Role::unit_buyer};
    buyer.unit_id = static_cast<std::uint64_t>(unit.first);
    buyer.unit_path = unit.second;
    fixture.buyers.push_back({static_cast<std::int64_t>(buyer.account_id), true, token(buyer)});
  }
  return fixture;
}

// Tops the SKU's available stock up to `available`, as its supplier restocking would; returns
// the units added (what the checker then counts as stocked).
std::int64_t restock(std::int64_t sku, std::int64_t available) {
  Database db;
  const auto id = std::to_string(sku);
  const auto now = db.scalar("SELECT available FROM ordering_stock WHERE sku_id = " + id);
  if (now >= available) return 0;
  const auto added = available - now;
  db.execute("UPDATE ordering_stock SET available = available + " + std::to_string(added) +
             ", version = version + 1 WHERE sku_id = " + id);
  return added;
}

struct Recovery {
  std::vector<std::int64_t> orders_ok_ms, delivered_ms;
};

std::int64_t percentile(std::vector<std::int64_t> values, double p) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "huicai_chaos: " << error.what() << '\n';
    return 2;
  }
  const auto run_started = Clock::now();
  std::cout << "chaos: seed " << options.seed << ", " << options.cycles << " cycles of at least "
            << options.ops << " operations from " << options.clients << " concurrent clients"
            << std::endl;
  std::mt19937_64 random(options.seed);
  const std::string repo = HUICAI_SOURCE_DIR;
  const std::string huicai = options.build + "/services/all_in_one/huicai";
  const std::uint16_t base = env_port("HUICAI_CHAOS_BASE_PORT", 28400);
  const Ports ports{static_cast<std::uint16_t>(base + 1), static_cast<std::uint16_t>(base + 2),
                    static_cast<std::uint16_t>(base + 3)};
  const std::string ordering_url = "http://127.0.0.1:" + std::to_string(ports.ordering);

  auto service = [&](const std::string& name, std::uint16_t port, std::vector<std::string> env) {
    env.push_back("HUICAI_HTTP_PORT=" + std::to_string(port));
    env.push_back("HUICAI_METRICS_PORT=0");
    return std::make_unique<ServiceProcess>(
        name, options.build + "/services/" + name + "/huicai-" + name, port, std::move(env),
        options.logs + "/chaos-" + name + ".log");
  };
  std::map<std::string, std::unique_ptr<ServiceProcess>> services;
  services["ordering"] = service(
      "ordering", ports.ordering,
      {"HUICAI_PAYMENT_SANDBOX=true",
       "HUICAI_PAYMENT_SANDBOX_CALLBACK_URL=" + ordering_url + "/v1/payments/callbacks/sandbox",
       "HUICAI_PAYMENT_CALLBACK_BACKOFF_MS=200", "HUICAI_PAYMENT_CALLBACK_BACKOFF_MAX_MS=2000",
       "HUICAI_PAYMENT_CALLBACK_ATTEMPTS=1000", "HUICAI_PAYMENT_CALLBACK_POLL_MS=200",
       "HUICAI_ORDER_PAYMENT_TIMEOUT_SECONDS=6", "HUICAI_ORDER_SWEEP_INTERVAL_MS=500",
       "HUICAI_ORDER_PLACEMENTS_PER_MINUTE=100000", "HUICAI_PAYMENT_REQUESTS_PER_MINUTE=100000",
       "HUICAI_AFTER_SALES_REQUESTS_PER_MINUTE=100000", "HUICAI_AFTER_SALES_PER_FULFILMENT=1000",
       "HUICAI_GRANT_APPROVAL_ABOVE_FEN=1000000000000"});
  services["settlement"] = service("settlement", ports.settlement, {"HUICAI_LEDGER_CONSUMER=true"});
  services["aidstats"] = service("aidstats", ports.aidstats, {});

  auto start = [&](ServiceProcess& process) {
    const auto until = Clock::now() + 60s;
    while (Clock::now() < until) {
      if (process.start(15s)) return true;
      process.kill9();
      std::this_thread::sleep_for(200ms);
    }
    std::cerr << "chaos: " << process.name() << " did not start\n";
    return false;
  };
  // The run's Redis database starts empty, as its MariaDB database does (run.sh resets it):
  // entries an earlier run left pending under a consumer it killed would otherwise be taken
  // over by this run's consumers and applied to its fresh ledger (a payment of an order that
  // does not exist here).
  if (!wipe_redis(env_or("HUICAI_REDIS_HOST", "127.0.0.1"), env_port("HUICAI_REDIS_PORT", 16379),
                  env_or("HUICAI_REDIS_USER", "huicai"),
                  env_or("HUICAI_REDIS_PASSWORD", "huicai-redis-dev"),
                  std::stoi(env_or("HUICAI_REDIS_DATABASE", "0")))) {
    std::cerr << "chaos: could not empty the run's Redis database\n";
    return 2;
  }
  for (auto& [name, process] : services) {
    if (!start(*process)) return 2;
  }

  const huicai::Config config = huicai::Config::from_environment();
  const huicai::auth::TokenService tokens(config);
  Fixture fixture;
  try {
    fixture = make_fixture(random, tokens, ports.ordering);
  } catch (const std::exception& error) {
    std::cerr << "chaos: fixture: " << error.what() << '\n';
    return 2;
  }

  History history;
  Workload workload(fixture, ports, history);
  const std::vector<std::string> kinds = {"kill-ordering", "kill-settlement", "kill-aidstats",
                                          "kill-mariadb", "kill-redis"};
  const int wipe_cycle = static_cast<int>(random() % static_cast<std::uint64_t>(options.cycles));
  std::map<std::string, Recovery> recovery;
  std::map<std::string, int> faults;
  int violations_total = 0;

  for (int cycle = 1; cycle <= options.cycles; ++cycle) {
    const std::string fault =
        cycle - 1 == wipe_cycle ? "wipe-redis" : kinds[random() % kinds.size()];
    const int fault_at = static_cast<int>(random() % static_cast<std::uint64_t>(options.ops));
    const milliseconds down{300 + static_cast<std::int64_t>(random() % 1700)};
    // The hot SKU rush and the same-key burst: before the fault, during the outage, or after
    // the restart.
    const auto burst_phase = random() % 3;
    std::vector<std::uint64_t> seeds(static_cast<std::size_t>(options.clients));
    for (auto& seed : seeds) seed = random();
    Random main_random(random());
    // The supplier restocks the hot SKU to 6 available before the cycle, so that every rush is
    // contested (8 clients, at most 6 units), and the checker knows what was stocked.
    try {
      fixture.stocked[fixture.hot_sku] += restock(fixture.hot_sku, 6);
    } catch (const std::exception& error) {
      std::cerr << "chaos: restocking the hot SKU failed: " << error.what() << '\n';
    }
    const auto ops_before = workload.operations();
    Clock::time_point restarted{};
    std::optional<milliseconds> orders_ok;
    int in_flight_at_fault = 0;
    {
      Clients clients(workload, cycle, seeds);
      auto bursts = [&] {
        workload.rush_hot_sku(cycle, main_random, options.clients);
        workload.same_key_burst(cycle, main_random, options.clients);
      };
      clients.wait_for_operations(ops_before + static_cast<std::size_t>(fault_at));
      if (burst_phase == 0) bursts();
      // Strike while requests are in flight (they nearly always are; do not wait long).
      const auto at_most = Clock::now() + 1s;
      while (workload.in_flight() == 0 && Clock::now() < at_most) std::this_thread::yield();
      in_flight_at_fault = workload.in_flight();
      ++faults[fault];
      const auto killed = Clock::now();
      if (fault == "wipe-redis") {
        // With the aid totals' consumer down, so the wipe surely takes unconsumed events.
        services.at("aidstats")->kill9();
        if (!wipe_redis(env_or("HUICAI_REDIS_HOST", "127.0.0.1"),
                        env_port("HUICAI_REDIS_PORT", 16379), env_or("HUICAI_REDIS_USER", "huicai"),
                        env_or("HUICAI_REDIS_PASSWORD", "huicai-redis-dev"),
                        std::stoi(env_or("HUICAI_REDIS_DATABASE", "0")))) {
          std::cerr << "chaos: could not wipe Redis\n";
        }
      } else if (fault == "kill-mariadb") {
        stack_command(repo, "kill-mysql");
      } else if (fault == "kill-redis") {
        stack_command(repo, "kill-redis");
      } else {
        services.at(fault.substr(5))->kill9();
      }
      // The clients go on while it is down.
      if (burst_phase == 1) bursts();
      std::this_thread::sleep_until(killed + down);
      if (fault == "kill-mariadb") {
        stack_command(repo, "start-mysql");
      } else if (fault == "kill-redis") {
        stack_command(repo, "start-redis");
      } else {
        const auto name = fault == "wipe-redis" ? std::string("aidstats") : fault.substr(5);
        if (!start(*services.at(name))) return 2;
      }
      restarted = Clock::now();
      orders_ok = workload.time_until_orders_succeed(cycle, main_random, restarted, 60s);
      workload.resolve_unknowns(restarted, 60s, options.clients);
      if (burst_phase == 2) bursts();
      clients.wait_for_operations(ops_before + static_cast<std::size_t>(options.ops));
    }
    workload.resolve_unknowns(restarted, 60s, options.clients);
    const auto quiet = wait_until_quiet(120s);
    const auto delivered =
        std::chrono::duration_cast<milliseconds>(Clock::now() - restarted).count();
    std::vector<std::string> violations;
    if (!quiet.reached) violations.push_back("not quiet after 120 s: " + quiet.waiting_for);
    try {
      auto found = check_invariants(fixture, workload, history, huicai);
      violations.insert(violations.end(), found.begin(), found.end());
    } catch (const std::exception& error) {
      violations.push_back(std::string("checker failed: ") + error.what());
    }
    recovery[fault].orders_ok_ms.push_back(orders_ok ? orders_ok->count() : -1);
    if (quiet.reached) recovery[fault].delivered_ms.push_back(delivered);

    int ok = 0, failed = 0, unknown = 0, done = 0, not_done = 0;
    for (auto i = ops_before; i < history.operations.size(); ++i) {
      const auto& op = history.operations[i];
      (op.first == Outcome::ok ? ok : op.first == Outcome::failed ? failed : unknown)++;
      if (op.resolution == "done-once") ++done;
      if (op.resolution == "not-done") ++not_done;
    }
    violations_total += static_cast<int>(violations.size());
    std::printf(
        "cycle %d/%d: %-15s at op %2d (%d in flight), down %4lld ms | ops %3d: ok %3d failed %3d "
        "unknown %2d "
        "(done-once %d, not-done %d) | orders ok after %lld ms, events delivered after %lld ms "
        "| violations %zu\n",
        cycle, options.cycles, fault.c_str(), fault_at, in_flight_at_fault,
        static_cast<long long>(down.count()), ok + failed + unknown, ok, failed, unknown, done,
        not_done, static_cast<long long>(orders_ok ? orders_ok->count() : -1),
        static_cast<long long>(quiet.reached ? delivered : -1), violations.size());
    for (const auto& violation : violations) std::printf("  VIOLATION: %s\n", violation.c_str());
    std::fflush(stdout);
  }

  // Summary.
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - run_started).count();
  int ok = 0, failed = 0, unknown = 0, done = 0, not_done = 0, unresolved = 0;
  std::int64_t slowest_resolution = -1;
  for (const auto& op : history.operations) {
    (op.first == Outcome::ok ? ok : op.first == Outcome::failed ? failed : unknown)++;
    if (op.resolution == "done-once") ++done;
    if (op.resolution == "not-done") ++not_done;
    if (op.resolution == "unresolved") ++unresolved;
    slowest_resolution = std::max(slowest_resolution, op.resolve_ms_after_restart);
  }
  std::printf("== summary: seed %llu, %d cycles, %lld s\n",
              static_cast<unsigned long long>(options.seed), options.cycles,
              static_cast<long long>(seconds));
  std::printf(
      "operations %zu: ok %d, failed %d, unknown %d (done-once %d, not-done %d, "
      "unresolved %d; slowest answer after a restart %lld ms)\n",
      history.operations.size(), ok, failed, unknown, done, not_done, unresolved,
      static_cast<long long>(slowest_resolution));
  std::printf("acknowledged orders %zu\n", workload.acknowledged_orders().size());
  std::map<std::string, std::array<int, 3>> by_kind;  // ok, failed, unknown
  for (const auto& op : history.operations) ++by_kind[op.kind][static_cast<int>(op.first)];
  for (const auto& [kind, counts] : by_kind) {
    std::printf("  %-22s ok %5d, failed %5d, unknown %4d\n", kind.c_str(), counts[0], counts[1],
                counts[2]);
  }
  for (const auto& [kind, data] : recovery) {
    std::printf(
        "fault %-15s x%-3d orders ok again: median %lld ms, max %lld ms | every event "
        "delivered: median %lld ms, max %lld ms\n",
        kind.c_str(), faults[kind], static_cast<long long>(percentile(data.orders_ok_ms, 0.5)),
        static_cast<long long>(percentile(data.orders_ok_ms, 1.0)),
        static_cast<long long>(percentile(data.delivered_ms, 0.5)),
        static_cast<long long>(percentile(data.delivered_ms, 1.0)));
  }
  std::printf("invariant violations: %d\n", violations_total);
  for (auto& [name, process] : services) process->stop();
  return violations_total == 0 ? 0 : 1;
}
