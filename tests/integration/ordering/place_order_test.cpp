// Placing orders over HTTP against a real MariaDB: split per supplier, catalog snapshots,
// stock reserved in the same transaction, and every kind of bad input leaving stock as it was.
#include <catch2/catch.hpp>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

TEST_CASE("an order is split per supplier and snapshots the catalog", "[ordering][place]") {
  World world;
  auto catalog = world.make_catalog(100, 100);
  auto app = start_app();
  auto buyer = employee(7, "/1/7/");
  auto client = client_for(*app, buyer);

  auto response = client->post("/v1/orders", order_body(catalog, 2, 3), key("k-" + world.suffix));
  REQUIRE(response.status == 201);
  auto order = response.json().as_object();
  const auto order_id = order.at("id").as_int64();
  CHECK(order.at("status").as_string() == "pending_payment");
  CHECK(order.at("buyer_kind").as_string() == "employee");
  CHECK(order.at("total_fen").as_int64() == 2 * Catalog::price_a + 3 * Catalog::price_b);
  auto fulfilments = order.at("fulfilments").as_array();
  REQUIRE(fulfilments.size() == 2);
  for (const auto& value : fulfilments) {
    const auto& fulfilment = value.as_object();
    const auto supplier = fulfilment.at("supplier_id").as_int64();
    const auto& lines = fulfilment.at("lines").as_array();
    REQUIRE(lines.size() == 1);
    const auto& line = lines[0].as_object();
    CHECK(fulfilment.at("status").as_string() == "awaiting_payment");
    CHECK(fulfilment.at("county_id").as_int64() == catalog.county_id);
    if (supplier == catalog.supplier_a) {
      CHECK(line.at("sku_id").as_int64() == catalog.sku_a);
      CHECK(line.at("unit_price_fen").as_int64() == Catalog::price_a);
      CHECK(line.at("line_total_fen").as_int64() == 2 * Catalog::price_a);
      CHECK(line.at("certified").as_bool());
      CHECK(line.at("certificate_id").as_int64() == catalog.certificate_a);
      CHECK(fulfilment.at("subtotal_fen").as_int64() == 2 * Catalog::price_a);
    } else {
      CHECK(supplier == catalog.supplier_b);
      CHECK(line.at("sku_id").as_int64() == catalog.sku_b);
      CHECK_FALSE(line.at("certified").as_bool());
      CHECK(line.at("certificate_id").is_null());
    }
  }
  CHECK(world.available(catalog.sku_a) == 98);
  CHECK(world.reserved(catalog.sku_a) == 2);
  CHECK(world.available(catalog.sku_b) == 97);
  CHECK(world.reserved(catalog.sku_b) == 3);
  CHECK(world.events_of(order_id, "order_placed") == 1);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_order_history WHERE order_id = " +
                     std::to_string(order_id) + " AND to_status = 'pending_payment'") == 1);

  // The snapshot survives a later price change in the catalog.
  world.execute("UPDATE catalog_skus SET price_fen = 9999 WHERE id = " +
                std::to_string(catalog.sku_a));
  auto again = client->get("/v1/orders/" + std::to_string(order_id));
  REQUIRE(again.status == 200);
  CHECK(again.json().at("total_fen").as_int64() == 2 * Catalog::price_a + 3 * Catalog::price_b);

  // Another buyer cannot see it (404, existence hidden); finance can.
  auto stranger = client_for(*app, employee());
  CHECK(stranger->get("/v1/orders/" + std::to_string(order_id)).status == 404);
  auto finance = client_for(*app, with_role(auth::Role::finance));
  CHECK(finance->get("/v1/orders/" + std::to_string(order_id)).status == 200);
}

TEST_CASE("bad orders change nothing", "[ordering][place]") {
  World world;
  auto catalog = world.make_catalog(5, 5);
  auto app = start_app();
  auto client = client_for(*app, employee());
  int attempt = 0;
  auto post = [&](const std::string& body) {
    return client->post("/v1/orders", body, key(world.suffix + std::to_string(++attempt)));
  };

  SECTION("client-supplied price") {
    auto response = post(R"({"fund_plan":"personal","lines":[{"sku_id":)" +
                         std::to_string(catalog.sku_a) + R"(,"quantity":1,"unit_price_fen":1}]})");
    CHECK(response.status == 422);
    CHECK(response.json().at("type").as_string().ends_with("client-supplied-amount"));
    CHECK(post(R"({"fund_plan":"personal","total_fen":1,"lines":[{"sku_id":)" +
               std::to_string(catalog.sku_a) + R"(,"quantity":1}]})")
              .status == 422);
  }
  SECTION("quantity zero, negative or over the cap") {
    CHECK(post(order_body(catalog, 0, 0)).status == 422);
    CHECK(post(R"({"fund_plan":"personal","lines":[{"sku_id":)" + std::to_string(catalog.sku_a) +
               R"(,"quantity":-1}]})")
              .status == 422);
    CHECK(post(order_body(catalog, 10000, 0)).status == 422);
  }
  SECTION("unknown and delisted SKU") {
    auto unknown =
        post(R"({"fund_plan":"personal","lines":[{"sku_id":999999999999,"quantity":1}]})");
    CHECK(unknown.status == 422);
    CHECK(unknown.json().at("type").as_string().ends_with("sku-not-orderable"));
    world.execute(
        "UPDATE catalog_products SET status = 'delisted' WHERE id = (SELECT product_id "
        "FROM catalog_skus WHERE id = " +
        std::to_string(catalog.sku_b) + ")");
    CHECK(post(order_body(catalog, 1, 1)).status == 422);
  }
  SECTION("not enough stock names the SKU and what is left") {
    auto response = post(order_body(catalog, 1, 6));
    REQUIRE(response.status == 409);
    auto problem = response.json().as_object();
    CHECK(problem.at("sku_id").as_int64() == catalog.sku_b);
    CHECK(problem.at("available").as_int64() == 5);
  }
  SECTION("missing Idempotency-Key") {
    CHECK(client->post("/v1/orders", order_body(catalog, 1, 1)).status == 400);
  }
  SECTION("unit budget plan without being a unit buyer") {
    CHECK(post(order_body(catalog, 1, 1, "unit_budget")).status == 403);
  }
  // Whatever failed, nothing was reserved.
  CHECK(world.available(catalog.sku_a) == 5);
  CHECK(world.reserved(catalog.sku_a) == 0);
  CHECK(world.available(catalog.sku_b) == 5);
  CHECK(world.reserved(catalog.sku_b) == 0);
}

TEST_CASE("last items: 64 concurrent buyers for k units, exactly k sold", "[ordering][race]") {
  World world;
  constexpr int kUnits = 10;
  constexpr int kBuyers = 64;
  auto catalog = world.make_catalog(kUnits, 1000);
  auto app = start_app();

  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < kBuyers; ++i) clients.push_back(client_for(*app, employee()));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<int> statuses(kBuyers, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kBuyers; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (!go.load()) std::this_thread::yield();
      try {
        statuses[i] = clients[i]
                          ->post("/v1/orders", order_body(catalog, 1, 0),
                                 key("race-" + world.suffix + std::to_string(i)))
                          .status;
      } catch (const std::exception&) {
        statuses[i] = -1;
      }
    });
  }
  while (ready.load() < kBuyers) std::this_thread::yield();
  go = true;
  for (auto& thread : threads) thread.join();

  const auto created = std::count(statuses.begin(), statuses.end(), 201);
  const auto conflicts = std::count(statuses.begin(), statuses.end(), 409);
  CHECK(created == kUnits);
  CHECK(conflicts == kBuyers - kUnits);
  CHECK(world.available(catalog.sku_a) == 0);
  CHECK(world.reserved(catalog.sku_a) == kUnits);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_order_lines WHERE sku_id = " +
                     std::to_string(catalog.sku_a)) == kUnits);
}
