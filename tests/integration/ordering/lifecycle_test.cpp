// Orders through their whole life: split payment (allowance first) and refunds back to the
// sources in reverse order, unit orders with approval and rejection against the unit budget,
// shipment, receipt and partial acceptance by weight and by count, and the events of each step.
#include <catch2/catch.hpp>
#include <chrono>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

int budget_year() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  return static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
}

boost::json::object ok(const HttpResponse& response, int status = 200) {
  INFO(response.body);
  REQUIRE(response.status == status);
  return response.json().as_object();
}

std::int64_t fulfilment_of(const boost::json::object& order, std::int64_t supplier_id) {
  for (const auto& fulfilment : order.at("fulfilments").as_array()) {
    if (fulfilment.at("supplier_id").as_int64() == supplier_id)
      return fulfilment.at("id").as_int64();
  }
  FAIL("no fulfilment for supplier " << supplier_id);
  return 0;
}

void ship(TestApp& app, std::int64_t supplier_id, std::int64_t fulfilment_id) {
  auto supplier = client_for(app, supplier_staff(supplier_id));
  ok(supplier->post("/v1/fulfilments/" + std::to_string(fulfilment_id) + "/ship",
                    R"({"carrier":"顺丰","tracking_number":"SF123","batch_number":"B-1"})"));
}

}  // namespace

TEST_CASE("split payment, then refunds back to the sources in reverse order, exact in fen",
          "[ordering][funds]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_app();
  const auto unit = world.make_unit();
  auto buyer = employee(unit.id, unit.path);
  buyer.account_id = static_cast<std::uint64_t>(world.make_account(unit));
  auto client = client_for(*app, buyer);
  auto union_admin = client_for(*app, in_unit(auth::Role::unit_admin, unit));
  const int year = budget_year();
  const std::string allowance_url =
      "/v1/allowances/" + std::to_string(buyer.account_id) + "/" + std::to_string(year);
  ok(union_admin->put(allowance_url, R"({"granted_fen":3000})"));

  // 2 × 29.99 + 1 × 15.50 = 75.48: 30.00 from the allowance, 45.48 personally.
  auto order = ok(client->post("/v1/orders", order_body(catalog, 2, 1, "allowance_then_personal"),
                               key("split-" + world.suffix)),
                  201);
  const auto order_id = order.at("id").as_int64();
  const auto id = std::to_string(order_id);
  CHECK(order.at("total_fen").as_int64() == 7548);
  CHECK(boost::json::serialize(order.at("fund_shares")) ==
        R"([{"source":"allowance","amount_fen":3000},{"source":"personal","amount_fen":4548}])");
  auto allowance = ok(client->get(allowance_url));
  CHECK(allowance.at("available_fen").as_int64() == 0);
  CHECK(allowance.at("held_fen").as_int64() == 3000);

  auto intent =
      ok(client->post("/v1/orders/" + id + "/payment-intents", "", key("pi-" + world.suffix)), 201);
  CHECK(intent.at("amount_fen").as_int64() == 4548);
  const std::string intent_id(intent.at("intent_id").as_string());
  ok(client->post("/v1/payments/sandbox/" + intent_id + "/confirm", ""), 202);
  REQUIRE(wait_until(
      [&] {
        return world.scalar("SELECT status = 'paid' FROM ordering_orders WHERE id = " + id) == 1;
      },
      std::chrono::seconds(10)));
  allowance = ok(client->get(allowance_url));
  CHECK(allowance.at("held_fen").as_int64() == 0);
  CHECK(allowance.at("spent_fen").as_int64() == 3000);

  const auto fulfilment_a = fulfilment_of(order, catalog.supplier_a);
  const auto fulfilment_b = fulfilment_of(order, catalog.supplier_b);
  ship(*app, catalog.supplier_a, fulfilment_a);
  CHECK(world.reserved(catalog.sku_a) == 0);
  CHECK(world.scalar("SELECT sold FROM ordering_stock WHERE sku_id = " +
                     std::to_string(catalog.sku_a)) == 2);
  ok(client->post("/v1/fulfilments/" + std::to_string(fulfilment_a) + "/receive", ""));

  // A partial refund of 50.00 on fulfilment A: 45.48 back personally, then 4.52 to the allowance.
  auto supplier_a = client_for(*app, supplier_staff(catalog.supplier_a));
  auto request = ok(client->post("/v1/orders/" + id + "/after-sales",
                                 R"({"fulfilment_id":)" + std::to_string(fulfilment_a) +
                                     R"(,"kind":"partial","amount_fen":5000,"reason":"两袋受潮",)"
                                     R"("evidence_urls":["https://img.example/1.jpg"]})",
                                 key("as1-" + world.suffix)),
                    201);
  CHECK(request.at("status").as_string() == "requested");
  const auto sale = std::to_string(request.at("id").as_int64());
  auto decided = ok(supplier_a->post("/v1/after-sales/" + sale + "/supplier-decision",
                                     R"({"decision":"accept"})", key("dec1-" + world.suffix)));
  CHECK(decided.at("status").as_string() == "refunded");
  CHECK(world.scalar("SELECT personal_fen FROM ordering_refunds WHERE after_sale_id = " + sale) ==
        4548);
  CHECK(world.scalar("SELECT allowance_fen FROM ordering_refunds WHERE after_sale_id = " + sale) ==
        452);
  CHECK(world.scalar("SELECT refunded_fen FROM ordering_sandbox_intents WHERE intent_id = '" +
                     intent_id + "'") == 4548);
  allowance = ok(client->get(allowance_url));
  CHECK(allowance.at("available_fen").as_int64() == 452);
  CHECK(allowance.at("spent_fen").as_int64() == 2548);

  // The rest of fulfilment A (59.98 - 50.00 = 9.98) as a full refund: all from the allowance.
  auto full = ok(client->post("/v1/orders/" + id + "/after-sales",
                              R"({"fulfilment_id":)" + std::to_string(fulfilment_a) +
                                  R"(,"kind":"full","reason":"全部退"})",
                              key("as2-" + world.suffix)),
                 201);
  CHECK(full.at("amount_fen").as_int64() == 998);
  const auto sale2 = std::to_string(full.at("id").as_int64());
  ok(supplier_a->post("/v1/after-sales/" + sale2 + "/supplier-decision",
                      R"({"decision":"reject","reason":"已签收无质量问题"})",
                      key("dec2-" + world.suffix)));
  ok(client->post("/v1/after-sales/" + sale2 + "/dispute",
                  R"({"decision":"dispute","reason":"有照片"})"));
  auto operator_client = client_for(*app, with_role(auth::Role::operator_));
  auto resolved = ok(operator_client->post("/v1/after-sales/" + sale2 + "/operator-decision",
                                           R"({"decision":"refund","reason":"证据充分"})",
                                           key("op-" + world.suffix)));
  CHECK(resolved.at("status").as_string() == "resolved_refund");
  CHECK(world.scalar("SELECT allowance_fen FROM ordering_refunds WHERE after_sale_id = " + sale2) ==
        998);
  allowance = ok(client->get(allowance_url));
  CHECK(allowance.at("available_fen").as_int64() == 1450);
  CHECK(allowance.at("spent_fen").as_int64() == 1550);
  // Nothing more to refund on A.
  CHECK(client
            ->post("/v1/orders/" + id + "/after-sales",
                   R"({"fulfilment_id":)" + std::to_string(fulfilment_a) +
                       R"(,"kind":"partial","amount_fen":1,"reason":"x"})",
                   key("as3-" + world.suffix))
            .status == 409);

  // The ledger balances per source: captured - refunded = what the order still holds.
  CHECK(world.scalar("SELECT SUM(IF(kind = 'capture', amount_fen, -amount_fen)) FROM "
                     "ordering_fund_movements WHERE order_id = " +
                     id + " AND source = 'allowance' AND kind IN ('capture', 'refund')") == 1550);
  CHECK(world.scalar("SELECT SUM(IF(kind = 'capture', amount_fen, -amount_fen)) FROM "
                     "ordering_fund_movements WHERE order_id = " +
                     id + " AND source = 'personal' AND kind IN ('capture', 'refund')") == 0);
  CHECK(world.scalar("SELECT refunded_fen FROM ordering_orders WHERE id = " + id) == 5998);
  CHECK(world.events_of(order_id, "refund_completed") == 2);

  // B ships and is received: the employee order is complete.
  ship(*app, catalog.supplier_b, fulfilment_b);
  ok(client->post("/v1/fulfilments/" + std::to_string(fulfilment_b) + "/receive", ""));
  CHECK(world.scalar("SELECT status = 'completed' FROM ordering_orders WHERE id = " + id) == 1);
  for (const char* name : {"order_placed", "order_paid", "fulfilment_shipped",
                           "fulfilment_received", "order_completed"}) {
    CHECK(world.events_of(order_id, name) >= 1);
  }
  // The relay publishes what the transactions wrote.
  CHECK(wait_until(
      [&] {
        return world.scalar("SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id = '" + id +
                            "' AND published_at IS NULL") == 0;
      },
      std::chrono::seconds(10)));
}

TEST_CASE("allowance short is 409 and changes nothing", "[ordering][funds]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_app();
  auto buyer = employee();
  auto client = client_for(*app, buyer);
  auto response = client->post("/v1/orders", order_body(catalog, 1, 0, "allowance"),
                               key("short-" + world.suffix));
  CHECK(response.status == 409);
  CHECK(response.json().at("type").as_string().ends_with("allowance-insufficient"));
  CHECK(world.reserved(catalog.sku_a) == 0);
  CHECK(world.available(catalog.sku_a) == 20);
}

TEST_CASE("unit orders: budget, approval above the threshold, rejection releases everything",
          "[ordering][approval]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();
  // The admin of the parent unit grants the child unit's budget (out of the parent's, which
  // finance granted); the child's buyers spend it.
  const auto parent = world.make_unit();
  const auto unit = world.make_unit(parent, "unit");
  const std::int64_t unit_id = unit.id;
  const std::string unit_path = unit.path;
  auto finance = client_for(*app, with_role(auth::Role::finance));
  ok(finance->put(
      "/v1/units/" + std::to_string(parent.id) + "/budgets/" + std::to_string(budget_year()),
      R"({"granted_fen":1000000})"));
  auto admin = client_for(*app, in_unit(auth::Role::unit_admin, parent));
  auto buyer_principal = unit_role(auth::Role::unit_buyer, unit_id, unit_path);
  auto buyer = client_for(*app, buyer_principal);
  auto approver = client_for(*app, unit_role(auth::Role::unit_approver, unit_id, unit_path));
  const auto budget_url =
      "/v1/units/" + std::to_string(unit_id) + "/budgets/" + std::to_string(budget_year());
  ok(admin->put(budget_url, R"({"granted_fen":30000})"));
  ok(admin->put("/v1/units/" + std::to_string(unit_id) + "/ordering-settings",
                R"({"approval_threshold_fen":5000})"));

  // Below the threshold: paid from the budget at once.
  auto small = ok(buyer->post("/v1/orders", order_body(catalog, 1, 0, "unit_budget"),
                              key("small-" + world.suffix)),
                  201);
  CHECK(small.at("status").as_string() == "paid");
  CHECK(small.at("buyer_kind").as_string() == "unit");
  CHECK(world.events_of(small.at("id").as_int64(), "order_paid") == 1);

  // Above it: waits for approval, budget and stock held.
  auto big = ok(buyer->post("/v1/orders", order_body(catalog, 2, 2, "unit_budget"),
                            key("big-" + world.suffix)),
                201);
  CHECK(big.at("status").as_string() == "pending_approval");
  const auto big_id = std::to_string(big.at("id").as_int64());
  auto budget = ok(buyer->get(budget_url));
  CHECK(budget.at("available_fen").as_int64() == 30000 - 2999 - 9098);
  CHECK(budget.at("held_fen").as_int64() == 9098);
  auto pending = ok(approver->get("/v1/approvals"));
  bool listed = false;
  for (const auto& item : pending.at("items").as_array()) {
    listed = listed || item.at("order_id").as_int64() == big.at("id").as_int64();
  }
  CHECK(listed);
  // The buyer cannot approve (no approver role); an approver of another unit cannot see it.
  CHECK(buyer->post("/v1/orders/" + big_id + "/approve", "{}").status == 403);
  auto stranger = client_for(*app, unit_role(auth::Role::unit_approver, 1, "/1/999999999/"));
  CHECK(stranger->post("/v1/orders/" + big_id + "/approve", "{}").status == 404);

  auto approved =
      ok(approver->post("/v1/orders/" + big_id + "/approve", R"({"reason":"节日慰问"})"));
  CHECK(approved.at("status").as_string() == "paid");
  // The answer shows the payment time the approval stored, as a later read shows it.
  CHECK(approved.at("paid_at").is_string());
  CHECK(approved.at("paid_at") == ok(buyer->get("/v1/orders/" + big_id)).at("paid_at"));
  CHECK(approved.at("updated_at") == ok(buyer->get("/v1/orders/" + big_id)).at("updated_at"));
  CHECK(world.events_of(big.at("id").as_int64(), "order_approved") == 1);
  CHECK(world.events_of(big.at("id").as_int64(), "order_paid") == 1);
  budget = ok(buyer->get(budget_url));
  CHECK(budget.at("held_fen").as_int64() == 0);
  CHECK(budget.at("spent_fen").as_int64() == 2999 + 9098);
  // Approving again is a transition out of order.
  auto again = approver->post("/v1/orders/" + big_id + "/approve", "{}");
  CHECK(again.status == 409);
  CHECK(again.json().at("current_status").as_string() == "paid");

  // Another big order, rejected: stock and budget come back.
  const auto available_before = world.available(catalog.sku_a);
  auto rejected_order = ok(buyer->post("/v1/orders", order_body(catalog, 3, 0, "unit_budget"),
                                       key("rej-" + world.suffix)),
                           201);
  const auto rejected_id = std::to_string(rejected_order.at("id").as_int64());
  CHECK(approver->post("/v1/orders/" + rejected_id + "/reject", "{}").status == 422);
  auto rejected =
      ok(approver->post("/v1/orders/" + rejected_id + "/reject", R"({"reason":"超预算"})"));
  CHECK(rejected.at("status").as_string() == "rejected");
  CHECK(world.available(catalog.sku_a) == available_before);
  budget = ok(buyer->get(budget_url));
  CHECK(budget.at("held_fen").as_int64() == 0);
  CHECK(budget.at("available_fen").as_int64() == 30000 - 2999 - 9098);
  CHECK(world.events_of(rejected_order.at("id").as_int64(), "order_rejected") == 1);

  // More than the budget has left: 409, nothing held.
  auto too_big = buyer->post("/v1/orders", order_body(catalog, 10, 0, "unit_budget"),
                             key("toobig-" + world.suffix));
  CHECK(too_big.status == 409);
  CHECK(too_big.json().at("type").as_string().ends_with("budget-insufficient"));
  CHECK(world.available(catalog.sku_a) == available_before);

  // The unit's order list shows its orders; an employee of the unit does not see them.
  auto list = ok(approver->get("/v1/orders?status=paid&limit=1"));
  CHECK(list.at("items").as_array().size() == 1);
  CHECK(!list.at("next_cursor").is_null());
  auto next = ok(approver->get("/v1/orders?status=paid&limit=1&cursor=" +
                               std::string(list.at("next_cursor").as_string())));
  CHECK(next.at("items").as_array().size() == 1);
  CHECK(next.at("items").as_array()[0].at("id").as_int64() <
        list.at("items").as_array()[0].at("id").as_int64());
}

TEST_CASE("partial acceptance by weight and by count refunds the difference to the budget",
          "[ordering][acceptance]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();
  // The admin of the parent unit grants the child unit's budget (out of the parent's, which
  // finance granted); the child's buyers spend it.
  const auto parent = world.make_unit();
  const auto unit = world.make_unit(parent, "unit");
  const std::int64_t unit_id = unit.id;
  const std::string unit_path = unit.path;
  auto finance = client_for(*app, with_role(auth::Role::finance));
  ok(finance->put(
      "/v1/units/" + std::to_string(parent.id) + "/budgets/" + std::to_string(budget_year()),
      R"({"granted_fen":1000000})"));
  auto admin = client_for(*app, in_unit(auth::Role::unit_admin, parent));
  auto buyer = client_for(*app, unit_role(auth::Role::unit_buyer, unit_id, unit_path));
  const auto budget_url =
      "/v1/units/" + std::to_string(unit_id) + "/budgets/" + std::to_string(budget_year());
  ok(admin->put(budget_url, R"({"granted_fen":100000})"));

  // 3 bags of 5 kg at 29.99 (89.97) and 2 boxes at 15.50 (31.00); no threshold: paid at once.
  auto order = ok(buyer->post("/v1/orders", order_body(catalog, 3, 2, "unit_budget"),
                              key("acc-" + world.suffix)),
                  201);
  const auto order_id = order.at("id").as_int64();
  const auto fulfilment_a = fulfilment_of(order, catalog.supplier_a);
  const auto fulfilment_b = fulfilment_of(order, catalog.supplier_b);
  std::int64_t line_a = 0, line_b = 0;
  for (const auto& fulfilment : order.at("fulfilments").as_array()) {
    for (const auto& line : fulfilment.at("lines").as_array()) {
      (line.at("sku_id").as_int64() == catalog.sku_a ? line_a : line_b) = line.at("id").as_int64();
    }
  }
  // Acceptance before receipt is out of order.
  CHECK(buyer
            ->post("/v1/fulfilments/" + std::to_string(fulfilment_a) + "/accept", R"({"lines":[]})",
                   key("early-" + world.suffix))
            .status == 409);
  ship(*app, catalog.supplier_a, fulfilment_a);
  ship(*app, catalog.supplier_b, fulfilment_b);
  ok(buyer->post("/v1/fulfilments/" + std::to_string(fulfilment_a) + "/receive", ""));
  ok(buyer->post("/v1/fulfilments/" + std::to_string(fulfilment_b) + "/receive", ""));

  // 14 kg of the 15 kg accepted: 8997 × 14000 / 15000 = 8397.2 -> 8397, refund 600.
  auto accepted_a = ok(buyer->post("/v1/fulfilments/" + std::to_string(fulfilment_a) + "/accept",
                                   R"({"lines":[{"line_id":)" + std::to_string(line_a) +
                                       R"(,"accepted_weight_grams":14000,"reason":"一袋破损"}]})",
                                   key("acc-a-" + world.suffix)));
  CHECK(accepted_a.at("status").as_string() == "accepted");
  CHECK(accepted_a.at("accepted_fen").as_int64() == 8397);
  CHECK(accepted_a.at("refunded_now_fen").as_int64() == 600);
  // 1 of 2 boxes accepted: 1550, refund 1550.
  auto bad = buyer->post(
      "/v1/fulfilments/" + std::to_string(fulfilment_b) + "/accept",
      R"({"lines":[{"line_id":)" + std::to_string(line_b) + R"(,"accepted_quantity":3}]})",
      key("acc-bad-" + world.suffix));
  CHECK(bad.status == 422);
  auto accepted_b = ok(buyer->post(
      "/v1/fulfilments/" + std::to_string(fulfilment_b) + "/accept",
      R"({"lines":[{"line_id":)" + std::to_string(line_b) + R"(,"accepted_quantity":1}]})",
      key("acc-b-" + world.suffix)));
  CHECK(accepted_b.at("accepted_fen").as_int64() == 1550);

  auto budget = ok(buyer->get(budget_url));
  CHECK(budget.at("spent_fen").as_int64() == 8997 + 3100 - 600 - 1550);
  CHECK(budget.at("available_fen").as_int64() == 100000 - (8997 + 3100 - 600 - 1550));
  const auto id = std::to_string(order_id);
  CHECK(world.scalar("SELECT refunded_fen FROM ordering_orders WHERE id = " + id) == 2150);
  CHECK(world.scalar("SELECT status = 'completed' FROM ordering_orders WHERE id = " + id) == 1);
  CHECK(world.events_of(order_id, "fulfilment_accepted") == 2);
  CHECK(world.events_of(order_id, "refund_completed") == 2);
  CHECK(world.events_of(order_id, "order_completed") == 1);
  // Σ accepted + Σ refunded = Σ line totals.
  CHECK(world.scalar("SELECT SUM(accepted_amount_fen + refunded_fen) FROM ordering_order_lines "
                     "WHERE order_id = " +
                     id) == 8997 + 3100);
  auto history = ok(buyer->get("/v1/orders/" + id + "/history"));
  CHECK(history.at("items").as_array().size() >= 6);
}
