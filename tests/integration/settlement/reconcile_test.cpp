// Reconciliation: random seeded histories (partial acceptance by weight and count, refunds after
// acceptance, goods not yet accepted, statements generated part-way) reconcile exactly per
// supplier, through the function, the endpoint and the `huicai reconcile` command; a corrupted
// ledger row is reported with its order id and the command exits non-zero.
#include <catch2/catch.hpp>
#include <cstdio>
#include <huicai/settlement/reconcile.hpp>
#include <random>

#include "settlement_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::settlement;

namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs the real binary against the test database (the environment carries its settings).
CommandResult run_reconcile(const std::string& arguments) {
  const std::string command = std::string(HUICAI_BINARY_DIR) +
                              "/services/all_in_one/huicai reconcile " + arguments + " 2>&1";
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

huicai::settlement::SupplierReconciliation reconciled(World& world, std::int64_t supplier_id) {
  huicai::settlement::ReconcileFilter filter;
  filter.supplier_id = supplier_id;
  auto result = world.admin().run_blocking(
      [&](mysql::Session& session) { return huicai::settlement::reconcile(session, filter); });
  INFO("fund sources " << result.fund_sources_net_fen << ", aid " << result.orders_aid_fen);
  CHECK(result.ok());
  REQUIRE(result.suppliers.size() == 1);
  return result.suppliers[0];
}

// Amounts ordering itself holds for the supplier: paid lines less refunds.
std::int64_t ordering_net(World& world, std::int64_t supplier_id) {
  return world.scalar(
      "SELECT COALESCE(SUM(l.line_total_fen - l.refunded_fen), 0) FROM ordering_order_lines l "
      "JOIN ordering_orders o ON o.id = l.order_id WHERE o.paid_at IS NOT NULL AND l.supplier_id "
      "= " +
      std::to_string(supplier_id));
}

}  // namespace

TEST_CASE("random seeded histories reconcile exactly, and a corrupted row is reported",
          "[settlement][reconcile]") {
  const auto seed = static_cast<std::uint32_t>(GENERATE(11, 29));
  INFO("seed " << seed);
  std::mt19937 random(seed);
  World world;
  auto catalog = world.make_catalog(500, 500);
  auto app = start_settlement_app();
  UnitBuyer unit(world, *app, 10'000'000);
  auto finance = client_for(*app, with_role(auth::Role::finance));
  std::vector<std::int64_t> orders;
  for (int i = 0; i < 6; ++i) {
    const std::int64_t quantity_a = 1 + random() % 4, quantity_b = random() % 3;
    auto order = place_unit_order(world, *unit.buyer, catalog, quantity_a, quantity_b);
    orders.push_back(order.order_id);
    for (const auto& [supplier_id, fulfilment_id] : order.fulfilment_of_supplier) {
      const int fate = static_cast<int>(random() % 4);  // 0: left paid, not accepted
      if (fate == 0) continue;
      ship_and_receive(*app, *unit.buyer, supplier_id, fulfilment_id);
      const bool is_a = supplier_id == catalog.supplier_a;
      const auto line = order.line_of_sku.at(is_a ? catalog.sku_a : catalog.sku_b);
      if (fate == 1) {
        accept(world, *unit.buyer, fulfilment_id);
      } else if (fate == 2) {  // partial acceptance: by weight for A, by count for B
        const auto quantity = is_a ? quantity_a : quantity_b;
        accept(world, *unit.buyer, fulfilment_id,
               is_a ? R"([{"line_id":)" + std::to_string(line) + R"(,"accepted_weight_grams":)" +
                          std::to_string(quantity * 5000 - 1 - random() % 3000) + "}]"
                    : R"([{"line_id":)" + std::to_string(line) + R"(,"accepted_quantity":)" +
                          std::to_string(quantity - 1) + "}]");
      } else {  // accepted, then part refunded after acceptance
        accept(world, *unit.buyer, fulfilment_id);
        refund_after_sale(*app, world, *unit.buyer, order.order_id, supplier_id, fulfilment_id,
                          1 + random() % 500);
      }
    }
    if (i == 2) {  // statements part-way: later acceptances stay unsettled
      for (auto id : orders) REQUIRE(ledger_caught_up(world, id));
      ok(finance->post("/v1/settlement/statements/generate",
                       R"({"period_start":")" + this_month() + R"("})"));
    }
  }
  for (auto id : orders) REQUIRE(ledger_caught_up(world, id));
  // Generating again refreshes the drafts with what was accepted since (the statements of
  // other suppliers in this database hold other regions: each is read as its own ranges).
  ok(finance->post("/v1/settlement/statements/generate",
                   R"({"period_start":")" + this_month() + R"("})"));
  // Every statement's stored totals are what its items (the predicate view) add up to.
  CHECK(world.scalar("SELECT COUNT(*) FROM settlement_statements s LEFT JOIN (SELECT "
                     "statement_id, SUM(amount_fen) AS fen, COUNT(*) AS n FROM "
                     "settlement_statement_items GROUP BY statement_id) i ON i.statement_id = "
                     "s.id WHERE s.supplier_id IN (" +
                     std::to_string(catalog.supplier_a) + "," + std::to_string(catalog.supplier_b) +
                     ") AND (s.amount_fen <> COALESCE(i.fen, 0) OR s.item_count <> "
                     "COALESCE(i.n, 0))") == 0);

  for (auto supplier_id : {catalog.supplier_a, catalog.supplier_b}) {
    auto row = reconciled(world, supplier_id);
    CHECK(row.ordering_net_fen == ordering_net(world, supplier_id));
    CHECK(row.ledger_aid_fen == row.ordering_net_fen);
    CHECK(row.statements_fen + row.accepted_unsettled_fen + row.paid_unaccepted_fen ==
          row.ledger_aid_fen);
  }
  // The endpoint and the command say the same.
  auto answer = ok(
      finance->get("/v1/settlement/reconciliation?county_id=" + std::to_string(catalog.county_id)));
  CHECK(answer.at("ok").as_bool());
  auto command = run_reconcile("--county " + std::to_string(catalog.county_id));
  INFO(command.output);
  CHECK(command.exit_code == 0);
  CHECK(command.output.find("reconciled: 2 suppliers, 0 mismatches") != std::string::npos);

  // Corrupt one ledger row of the first order (one fen more owed to supplier A): reported with
  // that order's id, and the command fails.
  const auto first = std::to_string(orders.front());
  world.execute(
      "UPDATE settlement_entries e JOIN settlement_postings p ON p.id = e.posting_id SET "
      "e.amount_fen = e.amount_fen + 1 WHERE p.kind = 'order_paid' AND p.order_id = " +
      first + " AND e.supplier_id = " + std::to_string(catalog.supplier_a));
  auto broken = run_reconcile("--supplier " + std::to_string(catalog.supplier_a));
  INFO(broken.output);
  CHECK(broken.exit_code == 1);
  CHECK(broken.output.find("MISMATCH") != std::string::npos);
  CHECK(broken.output.find("orders: " + first) != std::string::npos);
  auto report = ok(finance->get("/v1/settlement/reconciliation?supplier_id=" +
                                std::to_string(catalog.supplier_a)));
  CHECK_FALSE(report.at("ok").as_bool());
  CHECK(report.at("suppliers").as_array()[0].at("order_ids").as_array()[0].as_int64() ==
        orders.front());
  // Put it back: the test database stays consistent for the runs after this one.
  world.execute(
      "UPDATE settlement_entries e JOIN settlement_postings p ON p.id = e.posting_id SET "
      "e.amount_fen = e.amount_fen - 1 WHERE p.kind = 'order_paid' AND p.order_id = " +
      first + " AND e.supplier_id = " + std::to_string(catalog.supplier_a));
  CHECK(run_reconcile("--supplier " + std::to_string(catalog.supplier_a)).exit_code == 0);
}

TEST_CASE("reconcile refuses bad arguments", "[settlement][reconcile]") {
  CHECK(run_reconcile("--from yesterday").exit_code == 2);
  CHECK(run_reconcile("--colour blue").exit_code == 2);
  CHECK(run_reconcile("--connections 0").exit_code == 2);
  CHECK(run_reconcile("--connections 9").exit_code == 2);
}

TEST_CASE("reconcile draws a progress bar on a terminal and none on a pipe",
          "[settlement][reconcile]") {
  // A supplier with no rows: every step still runs, fast.
  const std::string arguments = "--supplier 999999999999";
  auto piped = run_reconcile(arguments);
  INFO(piped.output);
  CHECK(piped.exit_code == 0);
  CHECK(piped.output.find("reconciling [") == std::string::npos);
  // script(1) gives the command a pseudo-terminal; the bar is redrawn in place up to its end.
  const std::string binary = std::string(HUICAI_BINARY_DIR) + "/services/all_in_one/huicai";
  FILE* pipe = ::popen(
      ("script -qefc '" + binary + " reconcile " + arguments + "' /dev/null </dev/null 2>&1")
          .c_str(),
      "r");
  REQUIRE(pipe != nullptr);
  std::string terminal;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) terminal += buffer;
  const int status = ::pclose(pipe);
  INFO(terminal);
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  CHECK(terminal.find("\rreconciling [") != std::string::npos);
  CHECK(terminal.find("] 5/5") != std::string::npos);
  CHECK(terminal.find("reconciled: 0 suppliers, 0 mismatches") != std::string::npos);
}
