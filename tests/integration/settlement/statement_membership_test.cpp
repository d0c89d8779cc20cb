// Statement membership by predicate (ADR 0026): a statement holds what its supplier had accepted
// before the period's end and the ledger had recorded when it was generated; an acceptance
// recorded after a statement stopped being a draft waits, unsettled, for the supplier's next
// statement; a draft takes late items when generated again; no fulfilment is in two statements.
#include <catch2/catch.hpp>

#include "settlement_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::settlement;

TEST_CASE_METHOD(AcceptedOrderWorld,
                 "an acceptance after its statement was confirmed goes into the supplier's next "
                 "statement, and no fulfilment is in two",
                 "[settlement][statements]") {
  // A: 5998 fen, B: 1550 fen, both accepted.
  const std::string period = this_month();
  const std::string next = month_after(period);
  auto generate = [&](const std::string& start) {
    ok(finance->post("/v1/settlement/statements/generate",
                     R"({"period_start":")" + start + R"("})"));
  };
  auto statements_holding = [&](std::int64_t fulfilment_id) {
    return world.scalar(
        "SELECT COUNT(*) FROM settlement_statement_items WHERE item_kind = 'acceptance' AND "
        "source_id = " +
        std::to_string(fulfilment_id));
  };
  auto reconciled = [&](std::int64_t supplier_id) {
    auto answer = ok(
        finance->get("/v1/settlement/reconciliation?supplier_id=" + std::to_string(supplier_id)));
    CHECK(answer.at("ok").as_bool());
    REQUIRE(answer.at("suppliers").as_array().size() == 1);
    return answer.at("suppliers").as_array()[0].as_object();
  };

  generate(period);
  const auto a = statement_of(*app, catalog.supplier_a, period);
  const auto a_path = "/v1/settlement/statements/" + std::to_string(a.at("id").as_int64());
  ok(client_for(*app, supplier_staff(catalog.supplier_a))->post(a_path + "/confirm", ""));

  // A second order of both, accepted after A confirmed its statement.
  auto later = place_unit_order(world, *unit.buyer, catalog, 1, 1);
  const auto a2 = later.fulfilment_of_supplier.at(catalog.supplier_a);
  const auto b2 = later.fulfilment_of_supplier.at(catalog.supplier_b);
  for (const auto& [supplier_id, fulfilment_id] : later.fulfilment_of_supplier) {
    ship_and_receive(*app, *unit.buyer, supplier_id, fulfilment_id);
    accept(world, *unit.buyer, fulfilment_id);
  }
  REQUIRE(ledger_caught_up(world, later.order_id));
  const auto a2_fen =
      world.scalar("SELECT accepted_fen FROM settlement_fulfilments WHERE fulfilment_id = " +
                   std::to_string(a2));

  // Generated again: A's confirmed statement is as the supplier confirmed it; B's draft takes
  // B's new acceptance; A's waits in no statement, and reconciliation says so.
  generate(period);
  auto confirmed = ok(finance->get(a_path));
  CHECK(confirmed.at("status").as_string() == "confirmed");
  CHECK(confirmed.at("amount_fen").as_int64() == 5998);
  CHECK(confirmed.at("items").as_array().size() == 1);
  auto b = statement_of(*app, catalog.supplier_b, period);
  CHECK(b.at("amount_fen").as_int64() == 3100);
  CHECK(b.at("item_count").as_int64() == 2);
  CHECK(statements_holding(a2) == 0);
  CHECK(statements_holding(b2) == 1);
  auto waiting = reconciled(catalog.supplier_a);
  CHECK(waiting.at("statements_fen").as_int64() == 5998);
  CHECK(waiting.at("accepted_unsettled_fen").as_int64() == a2_fen);

  // The next period: A's new statement holds exactly the late acceptance; B has nothing new.
  generate(next);
  auto a_next = statement_of(*app, catalog.supplier_a, next);
  CHECK(a_next.at("amount_fen").as_int64() == a2_fen);
  CHECK(a_next.at("item_count").as_int64() == 1);
  auto a_next_items =
      ok(finance->get("/v1/settlement/statements/" + std::to_string(a_next.at("id").as_int64())))
          .at("items")
          .as_array();
  REQUIRE(a_next_items.size() == 1);
  CHECK(a_next_items[0].at("fulfilment_id").as_int64() == a2);
  CHECK(statements_of(*app, catalog.supplier_b, next).empty());
  for (auto fulfilment_id : {fulfilment_a, fulfilment_b, a2, b2}) {
    CHECK(statements_holding(fulfilment_id) == 1);
  }
  auto settled = reconciled(catalog.supplier_a);
  CHECK(settled.at("statements_fen").as_int64() == 5998 + a2_fen);
  CHECK(settled.at("accepted_unsettled_fen").as_int64() == 0);
}
