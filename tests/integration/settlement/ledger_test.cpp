// The ledger fed by ordering's real events: a unit order paid, partially accepted, refunded after
// acceptance posts exactly the expected entries; replaying the stream under a fresh consumer
// group or redelivering it to the same group changes nothing; every posting balances.
#include <catch2/catch.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/events/outbox.hpp>

#include "redis_test_client.hpp"
#include "settlement_world.hpp"
#include "stream_position.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::settlement;

namespace {

// The event types the ledger declares; the consumer acknowledges the others unrecorded.
const std::string kPostedTypes =
    "event_type IN ('ordering.order_paid.v1', 'ordering.fulfilment_received.v1', "
    "'ordering.fulfilment_accepted.v1', 'ordering.refund_completed.v1')";

std::string code(const std::string& kind, std::int64_t supplier_id) {
  return kind + ":supplier:" + std::to_string(supplier_id);
}

// Everything the ledger holds about the given suppliers and unit, as one comparable text.
std::string ledger_picture(World& world, const Catalog& catalog, std::int64_t unit_id) {
  std::string picture;
  for (const auto& account :
       {code("payable_unaccepted", catalog.supplier_a), code("payable_due", catalog.supplier_a),
        code("payable_unaccepted", catalog.supplier_b), code("payable_due", catalog.supplier_b),
        "fund:unit_budget:unit:" + std::to_string(unit_id),
        "refund:unit_budget:unit:" + std::to_string(unit_id)}) {
    picture += account + "=" + std::to_string(balance(world, account)) + ";";
  }
  const std::string suppliers =
      std::to_string(catalog.supplier_a) + ", " + std::to_string(catalog.supplier_b);
  picture +=
      "entries=" +
      std::to_string(world.scalar("SELECT COUNT(*) FROM settlement_entries WHERE supplier_id IN (" +
                                  suppliers + ")"));
  picture +=
      ";refunds=" +
      std::to_string(world.scalar("SELECT COUNT(*) FROM settlement_refunds WHERE supplier_id IN (" +
                                  suppliers + ")"));
  picture +=
      ";fulfilments=" +
      std::to_string(world.scalar(
          "SELECT COUNT(*) FROM settlement_fulfilments WHERE supplier_id IN (" + suppliers + ")"));
  return picture;
}

}  // namespace

TEST_CASE("a paid, partially accepted and refunded unit order posts the expected entries, once",
          "[settlement][ledger]") {
  World world;
  RedisTestClient redis;
  REQUIRE(redis.connected_within(std::chrono::seconds(5)));
  const std::string before = last_stream_id(redis, "ordering");
  auto catalog = world.make_catalog(50, 50);
  auto app = start_settlement_app();
  UnitBuyer unit(world, *app, 100000);

  // 3 bags of A (3 × 29.99 = 89.97) and 2 boxes of B (2 × 15.50 = 31.00), from the budget.
  auto order = place_unit_order(world, *unit.buyer, catalog, 3, 2);
  const auto fulfilment_a = order.fulfilment_of_supplier.at(catalog.supplier_a);
  const auto fulfilment_b = order.fulfilment_of_supplier.at(catalog.supplier_b);
  ship_and_receive(*app, *unit.buyer, catalog.supplier_a, fulfilment_a);
  ship_and_receive(*app, *unit.buyer, catalog.supplier_b, fulfilment_b);
  // A: 14 of 15 kg accepted: 8397 accepted, 600 refunded at once. B: accepted in full (3100),
  // then 5.00 refunded after acceptance.
  accept(world, *unit.buyer, fulfilment_a,
         R"([{"line_id":)" + std::to_string(order.line_of_sku.at(catalog.sku_a)) +
             R"(,"accepted_weight_grams":14000}])");
  accept(world, *unit.buyer, fulfilment_b);
  refund_after_sale(*app, world, *unit.buyer, order.order_id, catalog.supplier_b, fulfilment_b,
                    500);
  REQUIRE(ledger_caught_up(world, order.order_id));

  const std::string budget = "fund:unit_budget:unit:" + std::to_string(unit.unit_id);
  const std::string refunds = "refund:unit_budget:unit:" + std::to_string(unit.unit_id);
  CHECK(balance(world, budget) == 8997 + 3100);
  CHECK(balance(world, refunds) == -(600 + 500));
  // A: nothing left unaccepted; 8397 due. B: 3100 due less the 500 refunded after acceptance.
  CHECK(balance(world, code("payable_unaccepted", catalog.supplier_a)) == 0);
  CHECK(balance(world, code("payable_due", catalog.supplier_a)) == -8397);
  CHECK(balance(world, code("payable_unaccepted", catalog.supplier_b)) == 0);
  CHECK(balance(world, code("payable_due", catalog.supplier_b)) == -2600);
  // One posting per fact: paid, two acceptances, two refunds; ids of the facts as references.
  const auto id = std::to_string(order.order_id);
  CHECK(world.scalar("SELECT COUNT(*) FROM settlement_postings WHERE order_id = " + id) == 5);
  CHECK(world.scalar("SELECT COUNT(*) FROM settlement_postings WHERE order_id = " + id +
                     " AND kind = 'refund' AND reference_id IN (SELECT id FROM ordering_refunds "
                     "WHERE order_id = " +
                     id + ")") == 2);
  CHECK(world.scalar("SELECT after_acceptance FROM settlement_refunds WHERE fulfilment_id = " +
                     std::to_string(fulfilment_b)) == 1);
  CHECK(world.scalar("SELECT after_acceptance FROM settlement_refunds WHERE fulfilment_id = " +
                     std::to_string(fulfilment_a)) == 0);
  // The payment-due clock starts at acceptance: 60 days.
  CHECK(world.scalar("SELECT DATEDIFF(due_date, DATE(accepted_at + INTERVAL 8 HOUR)) FROM "
                     "settlement_fulfilments WHERE fulfilment_id = " +
                     std::to_string(fulfilment_a)) == 60);
  const std::string picture = ledger_picture(world, catalog, unit.unit_id);
  const std::string end =
      last_stream_id(redis, "ordering");  // this order's events all come before it

  // Replay: a fresh consumer group reads the history since before this order (its
  // processed-events rows are new, so only the postings' own uniqueness stops a second posting),
  // then the same group gets it all redelivered (its processed-events rows stop it).
  const std::string group = "settlement-replay-" + world.suffix;
  redis.must({"XGROUP", "CREATE", events::stream_key("ordering"), group, before});
  auto options = huicai::settlement::ledger_consumer_options(group);
  options.batch_size = 500;
  auto& replay_redis = app->context().dedicated_redis("replay");
  REQUIRE(wait_until([&] { return replay_redis.connected(); }, std::chrono::seconds(5)));
  events::Consumer replay(app->context().db(), replay_redis, options,
                          huicai::settlement::ledger_handler(app->config()));
  auto read_all = [&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!group_reached(redis, "ordering", group, end)) {
      if (std::chrono::steady_clock::now() > deadline) FAIL("the replay did not reach " + end);
      app->run<std::size_t>([&] { return replay.poll_once(); });
    }
  };
  read_all();
  const std::string replayed_rows =
      "SELECT COUNT(*) FROM settlement_processed_events WHERE consumer_group = '" + group +
      "' AND event_id IN (SELECT event_id FROM ordering_outbox WHERE aggregate_id = '" + id +
      "' AND " + kPostedTypes + ")";
  // paid, two acceptances (fulfilment_received of a unit order is declared too), two refunds,
  // two receipts.
  CHECK(world.scalar(replayed_rows) ==
        world.scalar("SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id = '" + id + "' AND " +
                     kPostedTypes));
  CHECK(world.scalar(replayed_rows) == 7);
  CHECK(ledger_picture(world, catalog, unit.unit_id) == picture);

  redis.must({"XGROUP", "SETID", events::stream_key("ordering"), group, before});
  read_all();
  CHECK(ledger_picture(world, catalog, unit.unit_id) == picture);
  redis.must({"XGROUP", "DESTROY", events::stream_key("ordering"), group});
}

TEST_CASE("every posting in the ledger balances", "[settlement][ledger]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_settlement_app();
  UnitBuyer unit(world, *app, 50000);
  auto order = place_unit_order(world, *unit.buyer, catalog, 1, 1);
  REQUIRE(ledger_caught_up(world, order.order_id));
  REQUIRE(world.scalar("SELECT COUNT(*) FROM settlement_postings") > 0);
  CHECK(world.scalar("SELECT COUNT(*) FROM (SELECT p.id FROM settlement_postings p LEFT JOIN "
                     "settlement_entries e ON e.posting_id = p.id GROUP BY p.id HAVING "
                     "COALESCE(SUM(IF(e.side = 'D', e.amount_fen, 0)), 0) <> "
                     "COALESCE(SUM(IF(e.side = 'C', e.amount_fen, 0)), 0) OR COUNT(e.id) < 2) "
                     "AS unbalanced") == 0);
}
