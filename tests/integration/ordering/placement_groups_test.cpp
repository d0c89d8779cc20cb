// Orders placed at the same time are written in groups (placement_batcher.hpp, docs/adr/0031):
// each buyer must get exactly what placing the order alone gives, whatever else is in its group.
#include <atomic>
#include <catch2/catch.hpp>
#include <huicai/core/metrics.hpp>
#include <thread>
#include <vector>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

struct Placement {
  std::unique_ptr<HttpClient> client;
  std::string body;
  std::string key;
  HttpResponse answer;
};

// Sends every placement from its own thread, all released at the same instant.
void place_at_once(std::vector<Placement>& placements, const std::string& path = "/v1/orders") {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (auto& placement : placements) {
    threads.emplace_back([&go, &placement, &path] {
      while (!go) std::this_thread::yield();
      placement.answer = placement.client->post(path, placement.body, key(placement.key));
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
}

double grouped_orders(TestApp& app, const std::string& outcome) {
  return app.context()
      .metrics()
      .counter("huicai_order_group_orders_total", {{"outcome", outcome}})
      .value();
}
double groups(TestApp& app, const std::string& outcome) {
  return app.context()
      .metrics()
      .counter("huicai_order_groups_total", {{"outcome", outcome}})
      .value();
}

}  // namespace

TEST_CASE("orders placed at once are written together, each exactly as if placed alone",
          "[ordering][groups]") {
  World world;
  auto catalog = world.make_catalog(1000, 1000);
  auto app = start_app();
  constexpr int kBuyers = 24;
  int placed = 0;
  // Until some group held more than one order (24 requests released at once: the first round
  // nearly always does); every round is checked in full.
  for (int round = 0; round < 5 && grouped_orders(*app, "written") <= groups(*app, "written");
       ++round) {
    std::vector<Placement> placements;
    for (int i = 0; i < kBuyers; ++i) {
      placements.push_back(
          {client_for(*app, employee()),
           order_body(catalog, 1 + i % 3, 1),
           "group-" + world.suffix + "-" + std::to_string(round) + "-" + std::to_string(i),
           {}});
    }
    place_at_once(placements);
    for (auto& placement : placements) {
      INFO(placement.answer.body);
      REQUIRE(placement.answer.status == 201);
      ++placed;
      const auto order = placement.answer.json().as_object();
      const auto id = order.at("id").as_int64();
      // Its own lines and total, the 201 as the order reads back, and a replay of it.
      CHECK(order.at("total_fen").as_int64() ==
            (1 + (&placement - placements.data()) % 3) * Catalog::price_a + Catalog::price_b);
      CHECK(placement.client->get("/v1/orders/" + std::to_string(id)).body ==
            placement.answer.body);
      const auto replay = placement.client->post("/v1/orders", placement.body, key(placement.key));
      CHECK(replay.status == 201);
      CHECK(replay.body == placement.answer.body);
      CHECK(world.events_of(id, "order_placed") == 1);
    }
  }
  CHECK(grouped_orders(*app, "written") > groups(*app, "written"));
  // Stock moved exactly by what the answered orders hold (1, 2, 3 units of A in turn).
  std::int64_t units_a = 0;
  for (int i = 0; i < placed; ++i) units_a += 1 + (i % kBuyers) % 3;
  CHECK(world.reserved(catalog.sku_a) == units_a);
  CHECK(world.reserved(catalog.sku_b) == placed);
  CHECK(world.available(catalog.sku_a) == 1000 - units_a);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_order_lines WHERE sku_id = " +
                     std::to_string(catalog.sku_b)) == placed);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_idempotency_keys WHERE idempotency_key LIKE "
                     "'group-" +
                     world.suffix + "-%' AND status = 'completed' AND response_status = 201") ==
        placed);
}

TEST_CASE("a refused order does not take its group down with it", "[ordering][groups]") {
  World world;
  SECTION("one buyer was shown another total: only that order is refused") {
    auto catalog = world.make_catalog(1000, 1000);
    auto app = start_app();
    std::vector<Placement> placements;
    for (int i = 0; i < 16; ++i) {
      auto body = boost::json::parse(order_body(catalog, 1, 1)).as_object();
      if (i == 7) body["expected_total_fen"] = 1;  // a stale total
      placements.push_back({client_for(*app, employee()),
                            boost::json::serialize(body),
                            "refused-" + world.suffix + std::to_string(i),
                            {}});
    }
    place_at_once(placements);
    for (std::size_t i = 0; i < placements.size(); ++i) {
      INFO(i << ": " << placements[i].answer.body);
      if (i == 7) {
        CHECK(placements[i].answer.status == 409);
        CHECK(placements[i].answer.json().at("type").as_string().ends_with("price-changed"));
      } else {
        CHECK(placements[i].answer.status == 201);
      }
    }
    CHECK(world.reserved(catalog.sku_a) == 15);
    CHECK(world.scalar("SELECT COUNT(*) FROM ordering_orders o JOIN ordering_order_lines l ON "
                       "l.order_id = o.id WHERE l.sku_id = " +
                       std::to_string(catalog.sku_a)) == 15);
  }
  SECTION("the stock runs out inside a group: the first ones get it, no unit is sold twice") {
    auto catalog = world.make_catalog(10, 1000);
    auto app = start_app();
    std::vector<Placement> placements;
    for (int i = 0; i < 24; ++i) {
      placements.push_back({client_for(*app, employee()),
                            order_body(catalog, 1, 1),
                            "scarce-" + world.suffix + std::to_string(i),
                            {}});
    }
    place_at_once(placements);
    int created = 0, short_of_stock = 0;
    for (const auto& placement : placements) {
      INFO(placement.answer.body);
      if (placement.answer.status == 201) {
        ++created;
        CHECK(world.events_of(placement.answer.json().at("id").as_int64(), "order_placed") == 1);
      } else {
        CHECK(placement.answer.status == 409);
        CHECK(placement.answer.json().at("type").as_string().ends_with("insufficient-stock"));
        ++short_of_stock;
      }
    }
    CHECK(created == 10);
    CHECK(short_of_stock == 14);
    CHECK(world.available(catalog.sku_a) == 0);
    CHECK(world.reserved(catalog.sku_a) == 10);
    // The refused orders left nothing: not an order, a line of B or a key.
    CHECK(world.reserved(catalog.sku_b) == 10);
    CHECK(world.scalar("SELECT COUNT(*) FROM ordering_order_lines WHERE sku_id = " +
                       std::to_string(catalog.sku_b)) == 10);
    CHECK(world.scalar("SELECT COUNT(*) FROM ordering_idempotency_keys WHERE idempotency_key "
                       "LIKE 'scarce-" +
                       world.suffix + "%'") == 10);
  }
}

TEST_CASE("cart orders placed at once each order their own cart once", "[ordering][groups]") {
  World world;
  auto catalog = world.make_catalog(1000, 1000);
  auto app = start_app();
  const auto fill_cart = [&](HttpClient& client) {
    REQUIRE(
        client.put("/v1/cart/items/" + std::to_string(catalog.sku_a), R"({"quantity":2})").status ==
        200);
    REQUIRE(
        client.put("/v1/cart/items/" + std::to_string(catalog.sku_b), R"({"quantity":1})").status ==
        200);
  };
  const std::string from_cart = R"({"from_cart":true,"fund_plan":"personal"})";
  std::vector<Placement> placements;
  for (int i = 0; i < 12; ++i) {
    placements.push_back(
        {client_for(*app, employee()), from_cart, "cart-" + world.suffix + std::to_string(i), {}});
    fill_cart(*placements.back().client);
  }
  // One buyer sends the same cart twice under two keys: only one of them may order it.
  const auto twice = employee();
  placements.push_back({client_for(*app, twice), from_cart, "twice-a-" + world.suffix, {}});
  placements.push_back({client_for(*app, twice), from_cart, "twice-b-" + world.suffix, {}});
  fill_cart(*placements.back().client);
  place_at_once(placements);
  for (std::size_t i = 0; i < 12; ++i) {
    INFO(placements[i].answer.body);
    CHECK(placements[i].answer.status == 201);
    CHECK(placements[i].answer.json().at("total_fen").as_int64() ==
          2 * Catalog::price_a + Catalog::price_b);
  }
  const auto& a = placements[12].answer;
  const auto& b = placements[13].answer;
  INFO(a.body << " / " << b.body);
  CHECK(((a.status == 201 && b.status == 422) || (a.status == 422 && b.status == 201)));
  CHECK((a.status == 422 ? a : b).json().at("type").as_string().ends_with("cart-empty"));
  CHECK(world.reserved(catalog.sku_a) == 13 * 2);
  CHECK(world.reserved(catalog.sku_b) == 13);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_cart_items WHERE sku_id IN (" +
                     std::to_string(catalog.sku_a) + ", " + std::to_string(catalog.sku_b) + ")") ==
        0);
}
