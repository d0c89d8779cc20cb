// A hot SKU stays live: 64 buyers order the same SKU over HTTP while other clients cancel the
// orders just placed, pay others (intent, confirm, the channel's callback) and ship them, and a
// sweeper expires the unpaid ones, all at once against a real server and MariaDB. No request may
// end in a 5xx (before ADR 0009, cancels and expiries failed with 1020 snapshot conflicts until
// the pool gave up: 503), no sweep may get stuck, and the stock must add up.
#include <catch2/catch.hpp>
#include <deque>
#include <huicai/ordering/expiry_sweeper.hpp>
#include <mutex>
#include <thread>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;
using namespace std::chrono_literals;

namespace {

struct Placed {
  std::int64_t order_id = 0;
  std::size_t buyer = 0;
};

// Orders handed from the buyers to the cancelling and paying clients, newest last.
class Handoff {
 public:
  void push(Placed placed) {
    std::lock_guard lock(mutex_);
    orders_.push_back(placed);
  }
  std::optional<Placed> take_newest() {
    std::lock_guard lock(mutex_);
    if (orders_.empty()) return std::nullopt;
    auto placed = orders_.back();
    orders_.pop_back();
    return placed;
  }

 private:
  std::mutex mutex_;
  std::deque<Placed> orders_;
};

struct Tally {
  std::atomic<int> placed{0}, cancelled{0}, paid{0}, shipped{0}, other{0}, server_errors{0};
  void count(int status, std::atomic<int>& success, int success_status) {
    if (status == success_status) {
      ++success;
    } else if (status >= 500) {
      ++server_errors;
    } else {
      ++other;  // 409: the order moved on meanwhile (expired, cancelled, paid)
    }
  }
};

}  // namespace

TEST_CASE(
    "64 buyers on one SKU while cancels, expiries, payments and shipping run: no 5xx, "
    "stock conserved",
    "[ordering][hot-sku]") {
  ::setenv("HUICAI_ORDER_PLACEMENTS_PER_MINUTE", "0", 1);
  ::setenv("HUICAI_PAYMENT_REQUESTS_PER_MINUTE", "0", 1);
  ::setenv("HUICAI_PAYMENT_CALLBACK_WORKER", "false", 1);  // the payers post the callbacks
  World world;
  constexpr std::int64_t kInitialStock = 1'000'000;
  auto catalog = world.make_catalog(kInitialStock, 10);
  auto app = start_app("2");  // unpaid orders expire after 2 s
  const std::string supplier_token = token_for(*app, supplier_staff(catalog.supplier_a));

  constexpr std::size_t kBuyers = 64;
  std::vector<std::string> tokens;
  for (std::size_t i = 0; i < kBuyers; ++i) tokens.push_back(token_for(*app, employee()));

  Handoff to_cancel, to_pay;
  Tally tally;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  auto client_with = [&](const std::string& token) {
    auto client = std::make_unique<HttpClient>(app->host(), app->port(), 30s);
    client->set_bearer_token(token);
    return client;
  };

  for (std::size_t buyer = 0; buyer < kBuyers; ++buyer) {
    threads.emplace_back([&, buyer] {
      auto client = client_with(tokens[buyer]);
      for (int n = 0; !stop; ++n) {
        auto response = client->post(
            "/v1/orders", order_body(catalog, 1, 0),
            key("hot-" + world.suffix + "-" + std::to_string(buyer) + "-" + std::to_string(n)));
        tally.count(response.status, tally.placed, 201);
        if (response.status != 201) continue;
        Placed placed{response.json().at("id").as_int64(), buyer};
        (n % 2 == 0 ? to_cancel : to_pay).push(placed);
      }
    });
  }
  for (int canceller = 0; canceller < 4; ++canceller) {
    threads.emplace_back([&] {
      while (!stop) {
        auto placed = to_cancel.take_newest();
        if (!placed) {
          std::this_thread::sleep_for(1ms);
          continue;
        }
        auto client = client_with(tokens[placed->buyer]);
        auto response =
            client->post("/v1/orders/" + std::to_string(placed->order_id) + "/cancel", "");
        tally.count(response.status, tally.cancelled, 200);
      }
    });
  }
  for (int payer = 0; payer < 2; ++payer) {
    threads.emplace_back([&, payer] {
      auto supplier = client_with(supplier_token);
      auto channel = std::make_unique<HttpClient>(app->host(), app->port(), 30s);
      while (!stop) {
        auto placed = to_pay.take_newest();
        if (!placed) {
          std::this_thread::sleep_for(1ms);
          continue;
        }
        auto buyer = client_with(tokens[placed->buyer]);
        const auto order = std::to_string(placed->order_id);
        auto intent = buyer->post("/v1/orders/" + order + "/payment-intents", "",
                                  key("pay-" + world.suffix + "-" + order));
        if (intent.status >= 500) ++tally.server_errors;
        if (intent.status != 201) continue;
        const std::string intent_id(intent.json().at("intent_id").as_string());
        auto confirm = buyer->post("/v1/payments/sandbox/" + intent_id + "/confirm", "");
        if (confirm.status >= 500) ++tally.server_errors;
        if (confirm.status != 202) continue;
        const std::string body(confirm.json().at("callback").at("body").as_string());
        const std::string signature(confirm.json().at("callback").at("signature").as_string());
        auto callback = channel->post("/v1/payments/callbacks/sandbox", body,
                                      {{"x-huicai-signature", signature}});
        if (callback.status >= 500) ++tally.server_errors;
        if (callback.status != 200 || callback.json().at("outcome").as_string() != "paid") {
          ++tally.other;  // expired first: refunded as a late payment
          continue;
        }
        ++tally.paid;
        auto read = buyer->get("/v1/orders/" + order);
        const auto fulfilment = read.json().at("fulfilments").at(0).at("id").as_int64();
        auto ship = supplier->post("/v1/fulfilments/" + std::to_string(fulfilment) + "/ship",
                                   R"({"carrier":"顺丰","tracking_number":"SF)" + order +
                                       R"(","batch_number":"B)" + std::to_string(payer) + R"("})");
        tally.count(ship.status, tally.shipped, 200);
      }
    });
  }

  // The sweeper, as the service runs it, on its own pool.
  IoThread io;
  mysql::Pool sweeper_pool(io.executor(), mysql_test_options(false, 2));
  std::size_t expired = 0, sweep_failures = 0;
  auto sweep = [&] {
    auto result = io.run<huicai::ordering::SweepResult>([&] {
      return huicai::ordering::sweep_once(sweeper_pool, std::chrono::hours(24 * 7), 1000);
    });
    expired += result.expired;
    sweep_failures += result.failed;
  };
  const auto until = std::chrono::steady_clock::now() + 8s;
  while (std::chrono::steady_clock::now() < until) {
    sweep();
    std::this_thread::sleep_for(100ms);
  }
  stop = true;
  for (auto& thread : threads) thread.join();

  // Every order left unpaid is expired by the next passes: no pass is stuck on one order.
  const std::string sku = std::to_string(catalog.sku_a);
  const std::string pending_due =
      "SELECT COUNT(*) FROM ordering_orders o JOIN ordering_order_lines l ON l.order_id = o.id "
      "WHERE l.sku_id = " +
      sku + " AND o.status = 'pending_payment' AND o.expires_at < NOW(6)";
  REQUIRE(wait_until(
      [&] {
        sweep();
        return world.scalar(pending_due) == 0;
      },
      120s));

  INFO("placed " << tally.placed << ", cancelled " << tally.cancelled << ", paid " << tally.paid
                 << ", shipped " << tally.shipped << ", expired " << expired << ", other "
                 << tally.other);
  CHECK(tally.server_errors == 0);
  CHECK(sweep_failures == 0);
  CHECK(tally.placed >= 200);
  CHECK(tally.cancelled > 0);
  CHECK(tally.paid > 0);
  CHECK(tally.shipped > 0);
  CHECK(expired > 0);

  // Stock adds up: reserved = lines of orders still holding stock, sold = shipped lines.
  const auto holding = world.scalar(
      "SELECT COALESCE(SUM(l.quantity), 0) FROM ordering_order_lines l JOIN ordering_fulfilments f "
      "ON f.id = l.fulfilment_id WHERE l.sku_id = " +
      sku + " AND f.status IN ('awaiting_payment', 'to_ship')");
  const auto shipped = world.scalar(
      "SELECT COALESCE(SUM(l.quantity), 0) FROM ordering_order_lines l JOIN ordering_fulfilments f "
      "ON f.id = l.fulfilment_id WHERE l.sku_id = " +
      sku + " AND f.status = 'shipped'");
  const auto sold = world.scalar("SELECT sold FROM ordering_stock WHERE sku_id = " + sku);
  CHECK(world.reserved(catalog.sku_a) == holding);
  CHECK(sold == shipped);
  CHECK(world.available(catalog.sku_a) + world.reserved(catalog.sku_a) + sold == kInitialStock);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_order_lines WHERE sku_id = " + sku) ==
        tally.placed);
  sweeper_pool.close();
}
