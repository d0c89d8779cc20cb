// Supplier reads (their fulfilments with packing lists, nobody else's) and an unapproved unit
// order timing out: budget and stock released by the sweeper.
#include <catch2/catch.hpp>
#include <huicai/ordering/expiry_sweeper.hpp>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

TEST_CASE("a supplier sees its own fulfilments with a packing list", "[ordering][reads]") {
  World world;
  auto catalog = world.make_catalog(10, 10);
  auto app = start_app();
  auto buyer = client_for(*app, employee());
  auto order = buyer->post("/v1/orders", order_body(catalog, 2, 1), key("read-" + world.suffix));
  REQUIRE(order.status == 201);
  const auto placed = order.json();
  auto supplier_a = client_for(*app, supplier_staff(catalog.supplier_a));
  auto list = supplier_a->get("/v1/fulfilments?status=awaiting_payment");
  REQUIRE(list.status == 200);
  const auto body = list.json();
  const auto& items = body.at("items").as_array();
  REQUIRE(!items.empty());
  for (const auto& item : items) CHECK(item.at("supplier_id").as_int64() == catalog.supplier_a);
  const auto& first = items[0].as_object();
  CHECK(first.at("order_id").as_int64() == placed.at("id").as_int64());
  CHECK(first.at("packing_list").as_array()[0].at("quantity").as_int64() == 2);
  // The other supplier's fulfilment is hidden from A.
  std::int64_t fulfilment_b = 0;
  for (const auto& fulfilment : placed.at("fulfilments").as_array()) {
    if (fulfilment.at("supplier_id").as_int64() == catalog.supplier_b)
      fulfilment_b = fulfilment.at("id").as_int64();
  }
  CHECK(supplier_a->get("/v1/fulfilments/" + std::to_string(fulfilment_b)).status == 404);
  // Shipping before payment is out of order.
  auto early = client_for(*app, supplier_staff(catalog.supplier_b))
                   ->post("/v1/fulfilments/" + std::to_string(fulfilment_b) + "/ship",
                          R"({"carrier":"EMS","tracking_number":"E1","batch_number":"B"})");
  CHECK(early.status == 409);
  CHECK(early.json().at("current_status").as_string() == "awaiting_payment");
}

TEST_CASE("an unapproved unit order times out and releases budget and stock",
          "[ordering][approval]") {
  ::setenv("HUICAI_ORDER_APPROVAL_TIMEOUT_SECONDS", "0", 1);
  World world;
  auto catalog = world.make_catalog(10, 10);
  auto app = start_app();
  ::unsetenv("HUICAI_ORDER_APPROVAL_TIMEOUT_SECONDS");
  const auto parent = world.make_unit();
  const auto unit = world.make_unit(parent, "unit");
  const std::int64_t unit_id = unit.id;
  const std::string unit_path = unit.path;
  auto admin = client_for(*app, in_unit(auth::Role::unit_admin, parent));
  auto buyer = client_for(*app, unit_role(auth::Role::unit_buyer, unit_id, unit_path));
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  const int year = static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
  const auto budget_url =
      "/v1/units/" + std::to_string(unit_id) + "/budgets/" + std::to_string(year);
  auto finance = client_for(*app, with_role(auth::Role::finance));
  REQUIRE(finance
              ->put("/v1/units/" + std::to_string(parent.id) + "/budgets/" + std::to_string(year),
                    R"({"granted_fen":50000})")
              .status == 200);
  REQUIRE(admin->put(budget_url, R"({"granted_fen":50000})").status == 200);
  REQUIRE(admin
              ->put("/v1/units/" + std::to_string(unit_id) + "/ordering-settings",
                    R"({"approval_threshold_fen":100})")
              .status == 200);
  auto order = buyer->post("/v1/orders", order_body(catalog, 1, 1, "unit_budget"),
                           key("to-" + world.suffix));
  REQUIRE(order.status == 201);
  REQUIRE(order.json().at("status").as_string() == "pending_approval");
  const auto order_id = order.json().at("id").as_int64();
  app->run<huicai::ordering::SweepResult>([&] {
    return huicai::ordering::sweep_once(app->context().db(), std::chrono::hours(24 * 7));
  });
  CHECK(world.scalar("SELECT status = 'expired' FROM ordering_orders WHERE id = " +
                     std::to_string(order_id)) == 1);
  CHECK(world.scalar("SELECT status = 'timed_out' FROM ordering_approvals WHERE order_id = " +
                     std::to_string(order_id)) == 1);
  auto budget = buyer->get(budget_url).json();
  CHECK(budget.at("available_fen").as_int64() == 50000);
  CHECK(budget.at("held_fen").as_int64() == 0);
  CHECK(world.available(catalog.sku_a) == 10);
  CHECK(world.events_of(order_id, "order_expired") == 1);
}

TEST_CASE("the buyer cancels an unpaid order once", "[ordering][cancel]") {
  World world;
  auto catalog = world.make_catalog(10, 10);
  auto app = start_app();
  auto buyer = client_for(*app, employee());
  auto order = buyer->post("/v1/orders", order_body(catalog, 3, 2), key("cancel-" + world.suffix));
  REQUIRE(order.status == 201);
  const auto order_id = order.json().at("id").as_int64();
  const auto url = "/v1/orders/" + std::to_string(order_id) + "/cancel";
  CHECK(client_for(*app, employee())->post(url, "").status == 404);  // not theirs
  auto cancelled = buyer->post(url, "");
  REQUIRE(cancelled.status == 200);
  CHECK(cancelled.json().at("status").as_string() == "cancelled");
  CHECK(world.available(catalog.sku_a) == 10);
  CHECK(world.available(catalog.sku_b) == 10);
  CHECK(world.reserved(catalog.sku_a) == 0);
  CHECK(world.events_of(order_id, "order_cancelled") == 1);
  auto again = buyer->post(url, "");
  CHECK(again.status == 409);
  CHECK(again.json().at("current_status").as_string() == "cancelled");
  CHECK(world.available(catalog.sku_a) == 10);
}
