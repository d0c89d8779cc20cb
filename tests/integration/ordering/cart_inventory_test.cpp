// Stock set by the supplier that owns the SKU, and the cart: priced from the catalog now, then
// ordered as a whole (the ordered lines leave the cart).
#include <catch2/catch.hpp>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

TEST_CASE("supplier staff set and adjust the stock of their own SKUs only",
          "[ordering][inventory]") {
  World world;
  auto catalog = world.make_catalog(0, 0);
  auto app = start_app();
  auto supplier_a = client_for(*app, supplier_staff(catalog.supplier_a));
  const auto sku_a = "/v1/inventory/" + std::to_string(catalog.sku_a);
  const auto sku_b = "/v1/inventory/" + std::to_string(catalog.sku_b);

  auto read = supplier_a->get(sku_a);
  REQUIRE(read.status == 200);
  auto set = supplier_a->put(sku_a, R"({"available":40})", {{"if-match", read.header("etag")}});
  REQUIRE(set.status == 200);
  CHECK(set.json().at("available").as_int64() == 40);
  CHECK(supplier_a->put(sku_b, R"({"available":40})", {{"if-match", read.header("etag")}}).status ==
        403);
  CHECK(supplier_a->put(sku_a, R"({"available":-1})").status == 422);
  auto adjusted = supplier_a->post(sku_a + "/adjustments", R"({"delta":-15,"reason":"损耗"})");
  REQUIRE(adjusted.status == 200);
  CHECK(adjusted.json().at("available").as_int64() == 25);
  CHECK(supplier_a->post(sku_a + "/adjustments", R"({"delta":-26})").status == 409);
  CHECK(world.available(catalog.sku_a) == 25);
  auto listed = supplier_a->get("/v1/inventory");
  REQUIRE(listed.status == 200);
  CHECK(listed.json().at("items").as_array().size() >= 1);
  // Buyers do not manage stock.
  CHECK(client_for(*app, employee())->put(sku_a, R"({"available":1})").status == 403);
}

TEST_CASE("a stock write names the version it was based on (If-Match)", "[ordering][inventory]") {
  World world;
  auto catalog = world.make_catalog(10, 10);
  auto app = start_app();
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  auto buyer = client_for(*app, employee());
  const auto stock = "/v1/inventory/" + std::to_string(catalog.sku_a);

  auto read = supplier->get(stock);
  REQUIRE(read.status == 200);
  const auto seen = read.header("etag");
  CHECK(seen == "\"v" + std::to_string(read.json().at("version").as_int64()) + "\"");

  // Without If-Match: 428, nothing changes.
  auto missing = supplier->put(stock, R"({"available":50})");
  CHECK(missing.status == 428);
  CHECK(missing.json().at("type").as_string().ends_with("precondition-required"));
  CHECK(supplier->put(stock, R"({"available":50})", {{"if-match", "\"abc\""}}).status == 412);
  CHECK(world.available(catalog.sku_a) == 10);

  // A buyer reserves 3 meanwhile: the supplier's write based on "10 available" would erase the
  // reservation's decrement (a lost update), so it is refused with the current tag.
  auto order = buyer->post("/v1/orders", order_body(catalog, 3, 0), key("ifm-" + world.suffix));
  REQUIRE(order.status == 201);
  auto stale = supplier->put(stock, R"({"available":50})", {{"if-match", seen}});
  CHECK(stale.status == 412);
  CHECK(stale.json().at("type").as_string().ends_with("precondition-failed"));
  CHECK(world.available(catalog.sku_a) == 7);
  CHECK(world.reserved(catalog.sku_a) == 3);

  // With the current tag it goes through, and answers the next tag.
  const auto current = stale.header("etag");
  CHECK(current == std::string(stale.json().at("current_etag").as_string()));
  auto written = supplier->put(stock, R"({"available":50})", {{"if-match", current}});
  REQUIRE(written.status == 200);
  CHECK(world.available(catalog.sku_a) == 50);
  CHECK(world.reserved(catalog.sku_a) == 3);
  CHECK(written.header("etag") != current);
  CHECK(supplier->get(stock).header("etag") == written.header("etag"));
  // The same tag twice: the second write is stale.
  CHECK(supplier->put(stock, R"({"available":60})", {{"if-match", current}}).status == 412);
  CHECK(world.available(catalog.sku_a) == 50);

  // The first stock of a SKU is created with If-None-Match: *, once (the order is cancelled
  // first, so no order of the shared database holds stock of a row that is recreated).
  REQUIRE(
      buyer->post("/v1/orders/" + std::to_string(order.json().at("id").as_int64()) + "/cancel", "")
          .status == 200);
  world.execute("DELETE FROM ordering_stock WHERE sku_id = " + std::to_string(catalog.sku_a));
  auto created = supplier->put(stock, R"({"available":5})", {{"if-none-match", "*"}});
  REQUIRE(created.status == 200);
  CHECK(world.available(catalog.sku_a) == 5);
  CHECK(supplier->put(stock, R"({"available":9})", {{"if-none-match", "*"}}).status == 412);
  CHECK(world.available(catalog.sku_a) == 5);
}

TEST_CASE("the cart is priced now and ordered as a whole", "[ordering][cart]") {
  World world;
  auto catalog = world.make_catalog(10, 10);
  auto app = start_app();
  auto client = client_for(*app, employee());
  REQUIRE(
      client->put("/v1/cart/items/" + std::to_string(catalog.sku_a), R"({"quantity":2})").status ==
      200);
  REQUIRE(
      client->put("/v1/cart/items/" + std::to_string(catalog.sku_b), R"({"quantity":1})").status ==
      200);
  CHECK(client->put("/v1/cart/items/999999999999", R"({"quantity":1})").status == 422);
  CHECK(
      client->put("/v1/cart/items/" + std::to_string(catalog.sku_b), R"({"quantity":0})").status ==
      422);
  auto cart = client->get("/v1/cart");
  REQUIRE(cart.status == 200);
  CHECK(cart.json().at("total_fen").as_int64() == 2 * Catalog::price_a + Catalog::price_b);

  // A price change shows in the cart at once (prices are never stored in it).
  world.execute("UPDATE catalog_skus SET price_fen = 1000 WHERE id = " +
                std::to_string(catalog.sku_b));
  CHECK(client->get("/v1/cart").json().at("total_fen").as_int64() == 2 * Catalog::price_a + 1000);

  auto order = client->post("/v1/orders", R"({"from_cart":true,"fund_plan":"personal"})",
                            key("cart-" + world.suffix));
  REQUIRE(order.status == 201);
  CHECK(order.json().at("total_fen").as_int64() == 2 * Catalog::price_a + 1000);
  CHECK(client->get("/v1/cart").json().at("items").as_array().empty());
  // An empty cart cannot be ordered.
  CHECK(client
            ->post("/v1/orders", R"({"from_cart":true,"fund_plan":"personal"})",
                   key("cart2-" + world.suffix))
            .status == 422);
  CHECK(client->del("/v1/cart/items/" + std::to_string(catalog.sku_a)).status == 204);
}
