// Payment terms per supplier class: finance sets a class's days and a supplier's class (audited,
// bad input refused with nothing changed); an acceptance is due after the class's days, a
// supplier without a class keeps HUICAI_PAYMENT_DUE_DAYS; a supplier reads its own terms only.
#include <catch2/catch.hpp>

#include "settlement_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::settlement;

TEST_CASE("an acceptance is due after its supplier's class's days, others after the default",
          "[settlement][due][payment-terms]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_settlement_app();
  auto finance = client_for(*app, with_role(auth::Role::finance));
  const std::string name = "large_" + world.suffix;  // a class of this run
  const std::string terms = "/v1/settlement/payment-terms/" + name;
  const std::string class_a =
      "/v1/settlement/suppliers/" + std::to_string(catalog.supplier_a) + "/payment-class";

  // Refusals change nothing: days out of range, a class name that is not a key, a class
  // without terms, a caller who is not finance.
  CHECK(finance->put(terms, R"({"due_days":0})").status == 422);
  CHECK(finance->put("/v1/settlement/payment-terms/Large%20Co", R"({"due_days":30})").status ==
        404);
  CHECK(finance->put(class_a, R"({"supplier_class":")" + name + R"("})").status == 422);
  CHECK(client_for(*app, with_role(auth::Role::auditor))->put(terms, R"({"due_days":30})").status ==
        403);
  // A supplier catalog does not know: 404, for reading and for setting, nothing recorded.
  const std::string nobody = "/v1/settlement/suppliers/999999999999/payment-class";
  CHECK(finance->get(nobody).status == 404);
  CHECK(world.scalar("SELECT COUNT(*) FROM settlement_payment_terms WHERE supplier_class = '" +
                     name + "'") == 0);

  CHECK(ok(finance->put(terms, R"({"due_days":30})")).at("due_days").as_int64() == 30);
  CHECK(finance->put(nobody, R"({"supplier_class":")" + name + R"("})").status == 404);
  CHECK(world.scalar("SELECT COUNT(*) FROM settlement_supplier_classes WHERE supplier_id = "
                     "999999999999") == 0);
  auto assigned = ok(finance->put(class_a, R"({"supplier_class":")" + name + R"("})"));
  CHECK(assigned.at("due_days").as_int64() == 30);
  // Both changes are finance actions in the audit log.
  CHECK(world.scalar("SELECT COUNT(*) FROM settlement_outbox WHERE event_type = "
                     "'audit.recorded.v1' AND aggregate_id IN ('supplier_class:" +
                     name + "', 'supplier:" + std::to_string(catalog.supplier_a) + "')") == 2);
  auto listed = ok(finance->get("/v1/settlement/payment-terms"));
  CHECK(listed.at("default_due_days").as_int64() == 60);
  bool found = false;
  for (const auto& row : listed.at("classes").as_array()) {
    if (row.at("supplier_class").as_string() != name) continue;
    found = true;
    CHECK(row.at("suppliers").as_int64() == 1);
  }
  CHECK(found);

  // The supplier reads its own terms; another supplier cannot tell they exist.
  auto own = ok(client_for(*app, supplier_staff(catalog.supplier_a))->get(class_a));
  CHECK(own.at("supplier_class").as_string() == name);
  CHECK(own.at("due_days").as_int64() == 30);
  CHECK(client_for(*app, supplier_staff(catalog.supplier_b))->get(class_a).status == 404);
  auto other = ok(finance->get("/v1/settlement/suppliers/" + std::to_string(catalog.supplier_b) +
                               "/payment-class"));
  CHECK(other.at("supplier_class").is_null());
  CHECK(other.at("due_days").as_int64() == 60);

  UnitBuyer unit(world, *app, 100000);
  auto order = place_unit_order(world, *unit.buyer, catalog, 1, 1);
  for (const auto& [supplier_id, fulfilment_id] : order.fulfilment_of_supplier) {
    ship_and_receive(*app, *unit.buyer, supplier_id, fulfilment_id);
    accept(world, *unit.buyer, fulfilment_id);
  }
  REQUIRE(ledger_caught_up(world, order.order_id));
  auto days_to_due = [&](std::int64_t supplier_id) {
    return world.scalar(
        "SELECT DATEDIFF(due_date, DATE(accepted_at + INTERVAL 8 HOUR)) FROM "
        "settlement_fulfilments WHERE fulfilment_id = " +
        std::to_string(order.fulfilment_of_supplier.at(supplier_id)));
  };
  CHECK(days_to_due(catalog.supplier_a) == 30);
  CHECK(days_to_due(catalog.supplier_b) == 60);

  // New terms move no date already set.
  ok(finance->put(terms, R"({"due_days":90})"));
  CHECK(days_to_due(catalog.supplier_a) == 30);
}
