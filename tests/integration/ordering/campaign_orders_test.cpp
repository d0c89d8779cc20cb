// Holiday campaigns on the order path: during a campaign's window an order pays the campaign
// price and its lines (and the ordering event) carry the campaign's id; after the window the
// SKU's own price is back; concurrent buyers never take more than the campaign's stock cap; an
// order cancelled or expired gives its units back to the cap, also while others order.
// The campaign rows are written as catalog writes them (ordering only reads them through
// catalog_sku_pricing); catalog's own campaign tests cover the routes that write them.
#include <huicai/events/v1/ordering.pb.h>

#include <catch2/catch.hpp>
#include <huicai/ordering/expiry_sweeper.hpp>
#include <mysql_test_options.hpp>
#include <thread>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

// A window of a campaign: SQL times of its start and end, from MariaDB's clock.
struct CampaignWindow {
  std::string starts_at = "UTC_TIMESTAMP(6) - INTERVAL 1 HOUR";
  std::string ends_at = "UTC_TIMESTAMP(6) + INTERVAL 1 HOUR";
};

// A campaign holding `sku` at `price_fen` with `cap`, in `window` (by default from an hour ago
// to an hour from now).
std::int64_t make_campaign(World& world, std::int64_t sku, std::int64_t price_fen, std::int64_t cap,
                           const CampaignWindow& window = {}) {
  const auto code = "t" + unique_suffix();
  const auto id = world.insert(
      "INSERT INTO catalog_campaigns (code, name, kind, starts_at, ends_at) VALUES ('" + code +
      "', '春节" + code + "', 'spring_festival', " + window.starts_at + ", " + window.ends_at +
      ")");
  world.execute(
      "INSERT INTO catalog_campaign_skus (campaign_id, sku_id, product_id, base_price_fen, "
      "price_fen, stock_cap, starts_at, ends_at) SELECT c.id, s.id, s.product_id, s.price_fen, " +
      std::to_string(price_fen) + ", " + std::to_string(cap) +
      ", c.starts_at, c.ends_at FROM catalog_campaigns c JOIN catalog_skus s ON s.id = " +
      std::to_string(sku) + " WHERE c.id = " + std::to_string(id));
  return id;
}

std::vector<events::v1::OrderChanged> placed_events(World& world, std::int64_t order_id) {
  return world.admin().run_blocking([&](mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT payload FROM ordering_outbox WHERE aggregate_id = ? AND "
        "event_type = 'ordering.order_placed.v1'");
    auto rows = mysql::query(mysql::bind(select, std::to_string(order_id)));
    std::vector<events::v1::OrderChanged> found;
    while (rows->next()) {
      events::v1::OrderChanged message;
      REQUIRE(message.ParseFromString(mysql::get_string(*rows, "payload")));
      found.push_back(std::move(message));
    }
    return found;
  });
}

const boost::json::object& line_of(const boost::json::object& order, std::int64_t sku_id) {
  for (const auto& fulfilment : order.at("fulfilments").as_array()) {
    for (const auto& line : fulfilment.at("lines").as_array()) {
      if (line.at("sku_id").as_int64() == sku_id) return line.as_object();
    }
  }
  FAIL("no line of SKU " << sku_id);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("an order in a campaign pays its price and carries its id, after it the SKU's own price",
          "[ordering][campaigns]") {
  World world;
  auto catalog = world.make_catalog(100, 100);
  const auto campaign = make_campaign(world, catalog.sku_a, 1999, 50);
  auto app = start_app();
  auto client = client_for(*app, employee(7, "/1/7/"));

  auto response = client->post("/v1/orders", order_body(catalog, 2, 1), key("c1-" + world.suffix));
  INFO(response.body);
  REQUIRE(response.status == 201);
  const auto order = response.json().as_object();
  CHECK(order.at("total_fen").as_int64() == 2 * 1999 + Catalog::price_b);
  const auto& in_campaign = line_of(order, catalog.sku_a);
  CHECK(in_campaign.at("unit_price_fen").as_int64() == 1999);
  CHECK(in_campaign.at("campaign_id").as_int64() == campaign);
  CHECK(line_of(order, catalog.sku_b).at("campaign_id").is_null());
  // Read back, and in the event the aid totals consume.
  auto read = client->get("/v1/orders/" + std::to_string(order.at("id").as_int64()));
  REQUIRE(read.status == 200);
  CHECK(line_of(read.json().as_object(), catalog.sku_a).at("campaign_id").as_int64() == campaign);
  const auto events = placed_events(world, order.at("id").as_int64());
  REQUIRE(events.size() == 1);
  for (const auto& line : events[0].lines()) {
    CHECK(line.campaign_id() == (line.sku_id() == catalog.sku_a ? campaign : 0));
  }
  CHECK(world.scalar("SELECT sold FROM ordering_campaign_sales WHERE campaign_id = " +
                     std::to_string(campaign)) == 2);

  // The window closes (as an operator's early end writes it): the SKU's own price, no campaign.
  world.execute("UPDATE catalog_campaign_skus SET ends_at = UTC_TIMESTAMP(6) WHERE campaign_id = " +
                std::to_string(campaign));
  auto after = client->post("/v1/orders", order_body(catalog, 1, 0), key("c2-" + world.suffix));
  INFO(after.body);
  REQUIRE(after.status == 201);
  const auto after_order = after.json().as_object();  // kept: own_price borrows from it
  const auto& own_price = line_of(after_order, catalog.sku_a);
  CHECK(own_price.at("unit_price_fen").as_int64() == Catalog::price_a);
  CHECK(own_price.at("campaign_id").is_null());
  CHECK(world.scalar("SELECT sold FROM ordering_campaign_sales WHERE campaign_id = " +
                     std::to_string(campaign)) == 2);
}

TEST_CASE("concurrent buyers never take more than a campaign's stock cap",
          "[ordering][campaigns]") {
  ::setenv("HUICAI_ORDER_PLACEMENTS_PER_MINUTE", "0", 1);
  World world;
  constexpr std::int64_t kCap = 10;
  auto catalog = world.make_catalog(1000, 100);
  const auto campaign = make_campaign(world, catalog.sku_a, 1888, kCap);
  auto app = start_app();

  // 16 buyers, 3 orders of 1-2 units each, released at one instant: 48 attempts, 72 units
  // wanted, 10 to have.
  constexpr int kBuyers = 16;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < kBuyers; ++i) clients.push_back(client_for(*app, employee()));
  std::atomic<int> ready{0};
  std::atomic<std::int64_t> units_ordered{0};
  std::atomic<int> created{0}, capped{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kBuyers; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kBuyers) std::this_thread::yield();
      for (int attempt = 0; attempt < 3; ++attempt) {
        const std::int64_t quantity = 1 + (i + attempt) % 2;
        auto response = clients[i]->post(
            "/v1/orders", order_body(catalog, quantity, 0),
            key("cap-" + world.suffix + "-" + std::to_string(i) + "-" + std::to_string(attempt)));
        if (response.status == 201) {
          ++created;
          units_ordered += quantity;
        } else if (response.status == 409 &&
                   response.body.find("campaign-cap-reached") != std::string::npos) {
          ++capped;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  CHECK(other.load() == 0);
  CHECK(capped.load() > 0);
  // Units go one or two at a time: the last may be refused with one left over.
  CHECK(units_ordered.load() <= kCap);
  CHECK(units_ordered.load() >= kCap - 1);
  CHECK(world.scalar("SELECT sold FROM ordering_campaign_sales WHERE campaign_id = " +
                     std::to_string(campaign)) == units_ordered.load());
  CHECK(world.reserved(catalog.sku_a) == units_ordered.load());
  CHECK(world.available(catalog.sku_a) == 1000 - units_ordered.load());
  CHECK(world.scalar("SELECT COALESCE(SUM(quantity), 0) FROM ordering_order_lines WHERE "
                     "campaign_id = " +
                     std::to_string(campaign)) == units_ordered.load());
}

TEST_CASE("a cancelled or expired order gives its units back to the campaign's cap",
          "[ordering][campaigns]") {
  ::setenv("HUICAI_ORDER_PLACEMENTS_PER_MINUTE", "0", 1);
  World world;
  auto catalog = world.make_catalog(1000, 100);
  const auto campaign = make_campaign(world, catalog.sku_a, 1888, 3);
  auto app = start_app();
  auto first = client_for(*app, employee());
  auto second = client_for(*app, employee());
  const auto sold = [&] {
    return world.scalar("SELECT sold FROM ordering_campaign_sales WHERE campaign_id = " +
                        std::to_string(campaign));
  };

  // Two of three at the campaign price; two more do not fit.
  const auto a = answer(
      first->post("/v1/orders", order_body(catalog, 2, 0), key("give-back-a-" + world.suffix)),
      201);
  const auto refused =
      second->post("/v1/orders", order_body(catalog, 2, 0), key("give-back-b1-" + world.suffix));
  CHECK(refused.status == 409);
  CHECK(refused.body.find("campaign-cap-reached") != std::string::npos);
  CHECK(sold() == 2);

  // The first buyer cancels: the other buyer now gets the two units, at the campaign price.
  answer(first->post("/v1/orders/" + std::to_string(a.at("id").as_int64()) + "/cancel", ""));
  CHECK(sold() == 0);
  const auto b = answer(
      second->post("/v1/orders", order_body(catalog, 2, 0), key("give-back-b2-" + world.suffix)),
      201);
  CHECK(line_of(b, catalog.sku_a).at("unit_price_fen").as_int64() == 1888);
  CHECK(sold() == 2);

  // Unpaid past its deadline, the second order expires: its units return to the campaign too.
  world.execute("UPDATE ordering_orders SET expires_at = NOW(6) - INTERVAL 1 SECOND WHERE id = " +
                std::to_string(b.at("id").as_int64()));
  IoThread io;
  mysql::Pool sweeper_pool(io.executor(), mysql_test_options(false, 1));
  REQUIRE(wait_until(
      [&] {
        io.run<huicai::ordering::SweepResult>([&] {
          return huicai::ordering::sweep_once(sweeper_pool, std::chrono::hours(24 * 7), 1000);
        });
        return world.scalar(
                   "SELECT COUNT(*) FROM ordering_orders WHERE status = 'expired' AND "
                   "id = " +
                   std::to_string(b.at("id").as_int64())) == 1;
      },
      std::chrono::seconds(30)));
  CHECK(sold() == 0);
  // All three fit again; stock and cap agree with the open orders.
  answer(first->post("/v1/orders", order_body(catalog, 3, 0), key("give-back-c-" + world.suffix)),
         201);
  CHECK(sold() == 3);
  CHECK(world.reserved(catalog.sku_a) == 3);
}

TEST_CASE("orders and cancellations at once keep a campaign's sold count equal to its open orders",
          "[ordering][campaigns]") {
  ::setenv("HUICAI_ORDER_PLACEMENTS_PER_MINUTE", "0", 1);
  World world;
  constexpr std::int64_t kCap = 6;
  auto catalog = world.make_catalog(1000, 100);
  const auto campaign = make_campaign(world, catalog.sku_a, 1888, kCap);
  auto app = start_app();

  // 8 buyers at one instant, each ordering 1 unit 6 times and cancelling every other order at
  // once: placements and give-backs lock the same campaign and stock rows concurrently.
  constexpr int kBuyers = 8;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < kBuyers; ++i) clients.push_back(client_for(*app, employee()));
  std::atomic<int> ready{0}, placed{0}, cancelled{0}, capped{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kBuyers; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kBuyers) std::this_thread::yield();
      for (int attempt = 0; attempt < 6; ++attempt) {
        auto response = clients[i]->post(
            "/v1/orders", order_body(catalog, 1, 0),
            key("mix-" + world.suffix + "-" + std::to_string(i) + "-" + std::to_string(attempt)));
        if (response.status == 409 &&
            response.body.find("campaign-cap-reached") != std::string::npos) {
          ++capped;
          continue;
        }
        if (response.status != 201) {
          ++other;
          continue;
        }
        ++placed;
        if (attempt % 2 == 0) {
          const auto id = response.json().at("id").as_int64();
          const auto cancel = clients[i]->post("/v1/orders/" + std::to_string(id) + "/cancel", "");
          if (cancel.status == 200) {
            ++cancelled;
          } else {
            ++other;
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  INFO("placed " << placed << ", cancelled " << cancelled << ", capped " << capped << ", other "
                 << other);
  CHECK(other.load() == 0);     // no 503 from a deadlock between a placement and a give-back
  CHECK(placed.load() > kCap);  // cancelled units were sold again
  const auto open_units = world.scalar(
      "SELECT COALESCE(SUM(l.quantity), 0) FROM ordering_order_lines l JOIN ordering_orders o ON "
      "o.id = l.order_id WHERE o.status NOT IN ('cancelled', 'expired', 'rejected') AND "
      "l.campaign_id = " +
      std::to_string(campaign));
  CHECK(open_units <= kCap);
  CHECK(world.scalar("SELECT sold FROM ordering_campaign_sales WHERE campaign_id = " +
                     std::to_string(campaign)) == open_units);
  CHECK(world.reserved(catalog.sku_a) == open_units);
}

TEST_CASE("a campaign window opening and closing reprices the next order with no catalog write",
          "[ordering][campaigns]") {
  // Orders price from ordering's pricing cache (pricing_cache.hpp); a window edge changes the
  // price without moving the catalog version, so a cached price must not outlive the edge.
  World world;
  auto catalog = world.make_catalog(100, 100);
  const auto campaign = make_campaign(
      world, catalog.sku_a, 1777, 50,
      {"UTC_TIMESTAMP(6) + INTERVAL 2 SECOND", "UTC_TIMESTAMP(6) + INTERVAL 4 SECOND"});
  auto app = start_app();
  auto client = client_for(*app, employee());
  int attempt = 0;
  const auto price_now = [&] {
    auto response = client->post("/v1/orders", order_body(catalog, 1, 0),
                                 key("edge-" + world.suffix + "-" + std::to_string(++attempt)));
    INFO(response.body);
    REQUIRE(response.status == 201);
    return line_of(response.json().as_object(), catalog.sku_a).at("unit_price_fen").as_int64();
  };
  // Until MariaDB's clock has passed the campaign's `column` (a fixed moment, not a guess).
  const auto wait_past = [&](const std::string& column) {
    const auto left_us =
        world.scalar("SELECT GREATEST(0, TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(6), " + column +
                     ")) FROM catalog_campaigns WHERE id = " + std::to_string(campaign));
    std::this_thread::sleep_for(std::chrono::microseconds(left_us + 20'000));
    REQUIRE(world.scalar("SELECT UTC_TIMESTAMP(6) >= " + column +
                         " FROM catalog_campaigns WHERE id = " + std::to_string(campaign)) == 1);
  };

  CHECK(price_now() == Catalog::price_a);
  CHECK(price_now() == Catalog::price_a);  // priced again before the window: still its own
  wait_past("starts_at");
  CHECK(price_now() == 1777);
  CHECK(price_now() == 1777);
  wait_past("ends_at");
  CHECK(price_now() == Catalog::price_a);
}
