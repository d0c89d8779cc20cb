// The payment-due clock: accepted fulfilments and unpaid statements listed as due soon or overdue
// per county (a county officer sees only their county's), and one overdue event per statement.
#include <catch2/catch.hpp>
#include <huicai/settlement/overdue.hpp>

#include "settlement_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::settlement;

TEST_CASE("due soon and overdue, per county, scoped to the county officer's county",
          "[settlement][due]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  ::setenv("HUICAI_PAYMENT_DUE_SOON_DAYS", "90", 1);  // the 60-day clock falls inside
  auto app = start_settlement_app();
  ::unsetenv("HUICAI_PAYMENT_DUE_SOON_DAYS");
  UnitBuyer unit(world, *app, 100000);
  auto order = place_unit_order(world, *unit.buyer, catalog, 1, 1);
  for (const auto& [supplier_id, fulfilment_id] : order.fulfilment_of_supplier) {
    ship_and_receive(*app, *unit.buyer, supplier_id, fulfilment_id);
    accept(world, *unit.buyer, fulfilment_id);
  }
  REQUIRE(ledger_caught_up(world, order.order_id));
  // B's acceptance is made 61 days old (the test sets the stage): overdue since yesterday.
  const auto fulfilment_b = order.fulfilment_of_supplier.at(catalog.supplier_b);
  world.execute(
      "UPDATE settlement_fulfilments SET due_date = DATE(UTC_TIMESTAMP() + INTERVAL 8 HOUR) - "
      "INTERVAL 1 DAY WHERE fulfilment_id = " +
      std::to_string(fulfilment_b));
  // Another test generating this month's statements may have put A and B into statements
  // already (they collect every accepted fulfilment): then the clock shows the statements, and
  // B's must be overdue too.
  world.execute(
      "UPDATE settlement_statements s JOIN settlement_statement_items i ON i.statement_id = s.id "
      "SET s.earliest_due_date = DATE(UTC_TIMESTAMP() + INTERVAL 8 HOUR) - INTERVAL 1 DAY WHERE "
      "i.item_kind = 'acceptance' AND i.source_id = " +
      std::to_string(fulfilment_b));

  auto officer = with_role(auth::Role::county_officer);
  officer.county_id = static_cast<std::uint64_t>(catalog.county_id);
  auto due = ok(client_for(*app, officer)->get("/v1/settlement/due"));
  std::map<std::int64_t, std::string> state_of;
  for (const auto& item : due.at("items").as_array()) {
    CHECK(item.at("county_id").as_int64() == catalog.county_id);
    state_of[item.at("supplier_id").as_int64()] = std::string(item.at("state").as_string());
  }
  CHECK(state_of[catalog.supplier_a] == "due_soon");
  CHECK(state_of[catalog.supplier_b] == "overdue");
  REQUIRE(due.at("counties").as_array().size() == 1);
  CHECK(due.at("counties").as_array()[0].at("overdue").as_int64() == 1);
  CHECK(due.at("counties").as_array()[0].at("due_soon").as_int64() == 1);

  // Another county's officer sees none of them, whatever county_id they ask for.
  auto stranger = with_role(auth::Role::county_officer);
  stranger.county_id = static_cast<std::uint64_t>(catalog.county_id + 100000);
  auto hidden = ok(client_for(*app, stranger)
                       ->get("/v1/settlement/due?county_id=" + std::to_string(catalog.county_id)));
  CHECK(hidden.at("items").as_array().empty());
}

TEST_CASE("an unpaid statement past its due date is announced once", "[settlement][due]") {
  World world;
  auto catalog = world.make_catalog(1, 1);
  const auto statement = world.insert(
      "INSERT INTO settlement_statements (supplier_id, county_id, period_start, period_end, "
      "status, amount_fen, earliest_due_date) VALUES (" +
      std::to_string(catalog.supplier_a) + ", " + std::to_string(catalog.county_id) +
      ", '2001-01-01', '2001-02-01', 'approved', 1234, '2001-03-02')");
  const auto paid = world.insert(
      "INSERT INTO settlement_statements (supplier_id, county_id, period_start, period_end, "
      "status, amount_fen, earliest_due_date) VALUES (" +
      std::to_string(catalog.supplier_b) + ", " + std::to_string(catalog.county_id) +
      ", '2001-01-01', '2001-02-01', 'paid', 99, '2001-03-02')");
  auto announce = [&] {
    world.admin().run_blocking(
        [](mysql::Session& session) {
          while (huicai::settlement::announce_overdue(session, "2026-12-05") > 0) {
          }
        },
        true);
  };
  auto events_of = [&](std::int64_t id) {
    return world.scalar(
        "SELECT COUNT(*) FROM settlement_outbox WHERE event_type = "
        "'settlement.statement_overdue.v1' AND aggregate_id = '" +
        std::to_string(id) + "'");
  };
  announce();
  announce();
  CHECK(events_of(statement) == 1);
  CHECK(events_of(paid) == 0);
}
