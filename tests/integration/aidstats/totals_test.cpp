// The live aid totals fed by ordering's real events: unit orders partly accepted and refunded
// after sale and an employee's personal order give exactly the certified amounts less refunds,
// in every breakdown, equal to a recomputation from ordering's tables; replaying the stream
// under a fresh consumer group or redelivering it to the same group changes nothing.
#include <catch2/catch.hpp>
#include <huicai/aidstats/totals.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <random>

#include "aidstats_world.hpp"
#include "redis_test_client.hpp"
#include "stream_position.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::aidstats;

namespace {

// The China calendar day an order was paid, "YYYY-MM-DD".
std::string paid_day(World& world, std::int64_t order_id) {
  const auto number =
      std::to_string(world.scalar("SELECT DATE_FORMAT(paid_at + INTERVAL 8 HOUR, '%Y%m%d') FROM "
                                  "ordering_orders WHERE id = " +
                                  std::to_string(order_id)));
  return number.substr(0, 4) + "-" + number.substr(4, 2) + "-" + number.substr(6, 2);
}

}  // namespace

TEST_CASE("totals count certified lines at their paid amount less refunds, once",
          "[aidstats][totals]") {
  World world;
  RedisTestClient redis;
  REQUIRE(redis.connected_within(std::chrono::seconds(5)));
  const std::string before = last_stream_id(redis, "ordering");
  auto catalog = world.make_catalog(50, 50);
  auto app = start_aidstats_app();
  const auto org_unit = world.make_unit();
  auto unit = buyer_of(*app, world, org_unit, 100000);

  // Order 1: 3 bags of certified A (89.97) and 2 boxes of uncertified B (31.00). 14 of 15 kg of
  // A accepted (6.00 refunded at once), B accepted in full, then 5.00 of B refunded after sale.
  auto first = place_order_of(world, unit, catalog, 3, 2);
  const auto first_a = first.fulfilment_of_supplier.at(catalog.supplier_a);
  const auto first_b = first.fulfilment_of_supplier.at(catalog.supplier_b);
  deliver(*app, world, unit, catalog.supplier_a, first_a,
          R"([{"line_id":)" + std::to_string(first.line_of_sku.at(catalog.sku_a)) +
              R"(,"accepted_weight_grams":14000}])");
  deliver(*app, world, unit, catalog.supplier_b, first_b);
  refund_after_sale(*app, world, *unit.buyer, first.order_id, catalog.supplier_b, first_b, 500);
  // Order 2: 2 bags of A (59.98), accepted, then 10.00 refunded after sale.
  auto second = place_order_of(world, unit, catalog, 2, 0);
  const auto second_a = second.fulfilment_of_supplier.at(catalog.supplier_a);
  deliver(*app, world, unit, catalog.supplier_a, second_a);
  refund_after_sale(*app, world, *unit.buyer, second.order_id, catalog.supplier_a, second_a, 1000);
  // Order 3: an employee buys one of each, paying personally (help-sell).
  auto employee_client = client_for(*app, employee());
  const auto third = place_paid_personal_order(world, *employee_client, catalog, 1, 1);
  REQUIRE(totals_caught_up(world, {first.order_id, second.order_id, third}));

  const std::int64_t expected = (8997 - 600) + (5998 - 1000) + 2999;
  const auto county = std::to_string(catalog.county_id);
  CHECK(recomputed_county_aid(world, catalog.county_id) == expected);
  CHECK(total(world, "county", "", county) == expected);
  const auto day = paid_day(world, third);
  if (paid_day(world, first.order_id) == day) {  // not across China's midnight
    CHECK(total(world, "county", day.substr(0, 4), county) == expected);
    CHECK(total(world, "county", day.substr(0, 7), county) == expected);
    CHECK(total(world, "county", huicai::aidstats::iso_week(day), county) == expected);
  }
  CHECK(total(world, "supplier", "", std::to_string(catalog.supplier_a)) == expected);
  CHECK(total(world, "supplier", "", std::to_string(catalog.supplier_b)) == 0);
  CHECK(total(world, "category", "", std::to_string(catalog.category_id)) == expected);
  // The unit's own purchases (the employee belongs to no unit).
  CHECK(total(world, "unit", "", std::to_string(org_unit.id)) == 8397 + 4998);
  // Direct purchase (unit budget) vs help-sell (personal), per order as the totals hold it.
  auto facts = [&](std::int64_t order_id, const std::string& column) {
    return world.scalar("SELECT " + column +
                        " FROM aidstats_orders WHERE order_id = " + std::to_string(order_id));
  };
  CHECK(facts(first.order_id, "budget_net_fen") == 8997 + 3100 - 600 - 500);
  CHECK(facts(third, "personal_net_fen") == 2999 + 1550);
  CHECK(world.scalar("SELECT COUNT(*) FROM aidstats_order_lines WHERE order_id IN (" +
                     std::to_string(first.order_id) + ", " + std::to_string(third) + ")") == 2);

  const std::string mine =
      "(dimension = 'county' AND item = '" + county +
      "') OR (dimension = 'supplier' AND item IN ('" + std::to_string(catalog.supplier_a) + "', '" +
      std::to_string(catalog.supplier_b) + "')) OR (dimension = 'unit' AND item = '" +
      std::to_string(org_unit.id) + "')";
  const std::string picture = totals_picture(world, "(" + mine + ")");
  REQUIRE(!picture.empty());
  const std::string end = last_stream_id(redis, "ordering");  // these orders' events come before

  // Replay: a fresh consumer group reads the history since before these orders (its
  // processed-events rows are new, so only the order facts stop a second count), then the
  // same group gets it all redelivered (its processed-events rows stop it).
  const std::string group = "aidstats-replay-" + world.suffix;
  redis.must({"XGROUP", "CREATE", events::stream_key("ordering"), group, before});
  auto options = huicai::aidstats::totals_consumer_options(group);
  options.batch_size = 500;
  auto& replay_redis = app->context().dedicated_redis("replay");
  REQUIRE(wait_until([&] { return replay_redis.connected(); }, std::chrono::seconds(5)));
  events::Consumer replay(app->context().db(), replay_redis, options,
                          huicai::aidstats::totals_handler());
  auto read_all = [&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!group_reached(redis, "ordering", group, end)) {
      if (std::chrono::steady_clock::now() > deadline) FAIL("the replay did not reach " + end);
      app->run<std::size_t>([&] { return replay.poll_once(); });
    }
  };
  read_all();
  REQUIRE(totals_caught_up(world, {first.order_id, second.order_id, third}, group));
  CHECK(totals_picture(world, "(" + mine + ")") == picture);
  redis.must({"XGROUP", "SETID", events::stream_key("ordering"), group, before});
  read_all();
  CHECK(totals_picture(world, "(" + mine + ")") == picture);
  redis.must({"XGROUP", "DESTROY", events::stream_key("ordering"), group});
}

// The live feed pushes the amounts the totals' upsert reports (no read of the totals): they must
// be the stored ones, for a row the batch creates and for rows it adds to or takes from.
TEST_CASE("the totals' upsert reports exactly the amounts it stores", "[aidstats][totals]") {
  World world;
  const auto item = "feed-" + std::to_string(std::random_device()() % 1'000'000'000);
  const huicai::aidstats::TotalKey kept{"supplier", "", item + "-a"};
  const huicai::aidstats::TotalKey added{"supplier", "2026", item + "-a"};
  const huicai::aidstats::TotalKey taken{"supplier", "", item + "-b"};
  const huicai::aidstats::TotalKey created{"county", "", item + "-c"};
  struct RolledBack {};
  try {
    // In one transaction rolled back at the end: the rows are made up and must not stay.
    world.admin().run_blocking(
        [&](mysql::Session& session) {
          huicai::aidstats::add_to_totals(session, {{kept, 700}, {added, 700}, {taken, 900}});
          huicai::aidstats::Totals after;
          huicai::aidstats::add_to_totals(session, {{added, 250}, {taken, -400}, {created, 40}},
                                          &after);
          CHECK(after == huicai::aidstats::Totals{{added, 950}, {taken, 500}, {created, 40}});
          for (const auto& [key, amount] : after) {
            auto& select = session.prepare(
                "SELECT amount_fen FROM aidstats_totals WHERE dimension = ? AND period = ? AND "
                "item = ?");
            mysql::bind(select, key.dimension, key.period, key.item);
            auto row = mysql::query(select);
            REQUIRE(row->next());
            CHECK(row->getInt64("amount_fen") == amount);
          }
          throw RolledBack{};
        },
        true);
  } catch (const RolledBack&) {
  }
  CHECK(world.scalar("SELECT COUNT(*) FROM aidstats_totals WHERE item LIKE '" + item + "%'") == 0);
}
