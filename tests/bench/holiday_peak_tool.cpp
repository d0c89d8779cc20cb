// Load generator of tests/bench/holiday_peak.sh (not a test): a holiday morning (春节, 扶贫日,
// 中秋) when employees all browse and order at once.
//
//   holiday_peak_tool <port> <seconds> <connections> <first_account_id> <sku_file> <terms_file>
//
// Every connection is one employee (account first_account_id + i, token signed with
// HUICAI_TOKEN_SECRET) on its own keep-alive connection, repeating a shopping visit until the
// time is up: browse twice (a random search term, sort, page size and price or certification
// filter: varied queries, not one cached URL), open a product, put 2 SKUs of 2 suppliers in the
// cart, look at the cart, order the cart (Idempotency-Key), create the payment intent, confirm it
// in the sandbox channel, and deliver the channel's signed callback (the channel's own delivery
// worker sends it too: the service must apply it once). Prints one line per route: answers per
// second (2xx only), p50 and p99 latency, and the non-2xx answers split into 4xx and 5xx; then
// "5xx: N, transport errors: M". Exit status 0 whatever the answers (the script judges).
// <sku_file>: "<supplier_id> <sku_id> <product_id>" per line; <terms_file>: one query per line.
#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/config.hpp>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"

using namespace huicai;
using Clock = std::chrono::steady_clock;

namespace {

// The routes a visit uses, in visit order (the table's rows).
enum Route { browse, product, cart_put, cart_get, order, intent, confirm, callback, kRoutes };
constexpr const char* kRouteNames[kRoutes] = {
    "GET /v1/products", "GET /v1/products/{id}",     "PUT /v1/cart/items/{sku}",
    "GET /v1/cart",     "POST /v1/orders",           "POST .../payment-intents",
    "POST .../confirm", "POST .../callbacks/sandbox"};

struct Sku {
  std::int64_t supplier_id = 0;
  std::int64_t sku_id = 0;
  std::int64_t product_id = 0;
};

struct Catalog {
  std::vector<std::vector<Sku>> by_supplier;
  std::vector<std::string> terms;
};

Catalog read_catalog(const std::string& sku_path, const std::string& terms_path) {
  Catalog catalog;
  std::ifstream skus(sku_path);
  std::map<std::int64_t, std::vector<Sku>> by_supplier;
  Sku sku;
  while (skus >> sku.supplier_id >> sku.sku_id >> sku.product_id) {
    by_supplier[sku.supplier_id].push_back(sku);
  }
  for (auto& [supplier, list] : by_supplier) catalog.by_supplier.push_back(std::move(list));
  std::ifstream terms(terms_path);
  for (std::string line; std::getline(terms, line);) {
    if (!line.empty()) catalog.terms.push_back(line);
  }
  if (catalog.by_supplier.size() < 2 || catalog.terms.empty()) {
    throw std::runtime_error("need SKUs of at least 2 suppliers and at least one search term");
  }
  return catalog;
}

// Percent-encodes a query parameter value (UTF-8 bytes).
std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct RouteStats {
  std::vector<std::int64_t> latencies_us;  // of 2xx answers
  std::int64_t client_errors = 0;          // 4xx
  std::int64_t server_errors = 0;          // 5xx
};

struct Stats {
  RouteStats routes[kRoutes];
  std::int64_t transport_errors = 0;
  void merge(const Stats& other) {
    for (int r = 0; r < kRoutes; ++r) {
      auto& mine = routes[r];
      const auto& theirs = other.routes[r];
      mine.latencies_us.insert(mine.latencies_us.end(), theirs.latencies_us.begin(),
                               theirs.latencies_us.end());
      mine.client_errors += theirs.client_errors;
      mine.server_errors += theirs.server_errors;
    }
    transport_errors += other.transport_errors;
  }
};

// One employee's visits until `deadline`.
class Shopper {
 public:
  Shopper(std::uint16_t port, std::string token, const Catalog& catalog, std::uint64_t seed,
          std::string key_prefix)
      : client_("127.0.0.1", port, std::chrono::seconds(30)),
        auth_{{"Authorization", "Bearer " + std::move(token)}},
        catalog_(catalog),
        random_(seed),
        key_prefix_(std::move(key_prefix)) {}

  Stats run(Clock::time_point deadline) {
    while (Clock::now() < deadline) {
      try {
        visit();
      } catch (const std::exception&) {
        // A timeout or a dropped connection: counted, and the next visit reconnects.
        ++stats_.transport_errors;
      }
    }
    return std::move(stats_);
  }

 private:
  test::HttpResponse call(Route route, const char* method, const std::string& target,
                          std::string body, const test::HeaderList& headers) {
    const auto start = Clock::now();
    auto response = client_.request(method, target, std::move(body), headers);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    auto& stats = stats_.routes[route];
    if (response.status >= 500) {
      ++stats.server_errors;
    } else if (response.status >= 300) {
      ++stats.client_errors;
    } else {
      stats.latencies_us.push_back(elapsed.count());
    }
    return response;
  }

  std::size_t pick(std::size_t size) {
    return std::uniform_int_distribution<std::size_t>(0, size - 1)(random_);
  }

  std::string browse_target() {
    static const char* sorts[] = {"newest", "price_asc", "price_desc", "sales"};
    static const int limits[] = {10, 20, 30};
    std::string target =
        "/v1/products?q=" + url_encode(catalog_.terms[pick(catalog_.terms.size())]) +
        "&sort=" + sorts[pick(4)] + "&limit=" + std::to_string(limits[pick(3)]);
    switch (pick(3)) {
      case 0:
        target += "&max_price_fen=" + std::to_string(2000 + 100 * pick(30));
        break;
      case 1:
        target += "&certified_only=true";
        break;
      default:
        break;
    }
    return target;
  }

  void visit() {
    const test::HeaderList json_auth = with({{"Content-Type", "application/json"}});
    for (int i = 0; i < 2; ++i) call(browse, "GET", browse_target(), {}, auth_);
    const auto first = pick(catalog_.by_supplier.size());
    const auto second =
        (first + 1 + pick(catalog_.by_supplier.size() - 1)) % catalog_.by_supplier.size();
    const auto& a = catalog_.by_supplier[first][pick(catalog_.by_supplier[first].size())];
    const auto& b = catalog_.by_supplier[second][pick(catalog_.by_supplier[second].size())];
    call(product, "GET", "/v1/products/" + std::to_string(a.product_id), {}, auth_);
    for (const auto* sku : {&a, &b}) {
      call(cart_put, "PUT", "/v1/cart/items/" + std::to_string(sku->sku_id),
           "{\"quantity\":" + std::to_string(1 + pick(3)) + "}", json_auth);
    }
    call(cart_get, "GET", "/v1/cart", {}, auth_);

    const auto key = key_prefix_ + "-" + std::to_string(++visits_);
    auto placed = call(order, "POST", "/v1/orders", R"({"fund_plan":"personal","from_cart":true})",
                       with({{"Content-Type", "application/json"}, {"Idempotency-Key", key}}));
    if (placed.status != 201) return;
    const auto order_id = boost::json::parse(placed.body).at("id").as_int64();
    auto created =
        call(intent, "POST", "/v1/orders/" + std::to_string(order_id) + "/payment-intents", "{}",
             with({{"Content-Type", "application/json"}, {"Idempotency-Key", key + "-pay"}}));
    if (created.status != 201) return;
    const std::string intent_id(boost::json::parse(created.body).at("intent_id").as_string());
    auto confirmed =
        call(confirm, "POST", "/v1/payments/sandbox/" + intent_id + "/confirm", "{}", json_auth);
    if (confirmed.status != 202) return;
    const auto answer = boost::json::parse(confirmed.body);
    const auto& signed_callback = answer.at("callback").as_object();
    call(callback, "POST", "/v1/payments/callbacks/sandbox",
         std::string(signed_callback.at("body").as_string()),
         {{"Content-Type", "application/json"},
          {"x-huicai-signature", std::string(signed_callback.at("signature").as_string())}});
  }

  test::HeaderList with(test::HeaderList extra) const {
    extra.insert(extra.end(), auth_.begin(), auth_.end());
    return extra;
  }

  test::HttpClient client_;
  test::HeaderList auth_;
  const Catalog& catalog_;
  std::mt19937_64 random_;
  std::string key_prefix_;
  std::int64_t visits_ = 0;
  Stats stats_;
};

double percentile_ms(std::vector<std::int64_t>& sorted_us, double fraction) {
  if (sorted_us.empty()) return 0;
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(sorted_us.size() - 1));
  return static_cast<double>(sorted_us[index]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: holiday_peak_tool <port> <seconds> <connections> <first_account_id> "
                 "<sku_file> <terms_file>\n";
    return 2;
  }
  try {
    const auto port = static_cast<std::uint16_t>(std::stoi(argv[1]));
    const auto seconds = std::stoi(argv[2]);
    const auto connections = std::stoi(argv[3]);
    const auto first_account = std::stoll(argv[4]);
    const auto catalog = read_catalog(argv[5], argv[6]);
    const Config config = Config::from_environment();
    auth::TokenService tokens(config);

    std::vector<std::unique_ptr<Shopper>> shoppers;
    for (int i = 0; i < connections; ++i) {
      auth::Principal principal;
      principal.account_id = static_cast<std::uint64_t>(first_account + i);
      principal.login = "peak" + std::to_string(first_account + i);
      principal.roles = {auth::Role::employee};
      shoppers.push_back(
          std::make_unique<Shopper>(port, tokens.issue_access(principal).token, catalog,
                                    static_cast<std::uint64_t>(first_account + i) * 7919,
                                    "peak-" + std::to_string(first_account + i)));
    }
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::seconds(seconds);
    Stats total;
    std::mutex mutex;
    std::vector<std::thread> threads;
    for (auto& shopper : shoppers) {
      threads.emplace_back([&, s = shopper.get()] {
        auto stats = s->run(deadline);
        std::lock_guard lock(mutex);
        total.merge(stats);
      });
    }
    for (auto& thread : threads) thread.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

    std::printf("%-28s %9s %9s %9s %7s %7s\n", "route", "2xx/s", "p50_ms", "p99_ms", "4xx", "5xx");
    std::int64_t server_errors = 0;
    for (int r = 0; r < kRoutes; ++r) {
      auto& stats = total.routes[r];
      std::sort(stats.latencies_us.begin(), stats.latencies_us.end());
      std::printf("%-28s %9.1f %9.1f %9.1f %7lld %7lld\n", kRouteNames[r],
                  static_cast<double>(stats.latencies_us.size()) / elapsed,
                  percentile_ms(stats.latencies_us, 0.50), percentile_ms(stats.latencies_us, 0.99),
                  static_cast<long long>(stats.client_errors),
                  static_cast<long long>(stats.server_errors));
      server_errors += stats.server_errors;
    }
    std::printf("5xx: %lld, transport errors: %lld, %.1f s, %d connections\n",
                static_cast<long long>(server_errors),
                static_cast<long long>(total.transport_errors), elapsed, connections);
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "holiday_peak_tool: " << error.what() << "\n";
    return 1;
  }
}
