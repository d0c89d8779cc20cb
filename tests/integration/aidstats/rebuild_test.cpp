// The rebuild recomputes every total from ordering's published views and gives exactly what the
// live consumer built: totals damaged on purpose come back, and nothing else moves.
#include <catch2/catch.hpp>
#include <huicai/aidstats/rebuild.hpp>

#include "aidstats_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::aidstats;

TEST_CASE("rebuilding the totals from the source equals the live totals", "[aidstats][rebuild]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_aidstats_app();
  const auto subsidiary = world.make_unit();
  auto buyer = buyer_of(*app, world, subsidiary, 200000);
  auto first = place_order_of(world, buyer, catalog, 4, 2);
  const auto fulfilment = first.fulfilment_of_supplier.at(catalog.supplier_a);
  deliver(*app, world, buyer, catalog.supplier_a, fulfilment,
          R"([{"line_id":)" + std::to_string(first.line_of_sku.at(catalog.sku_a)) +
              R"(,"accepted_weight_grams":17500}])");  // 3.5 of 4 bags
  auto second = place_order_of(world, buyer, catalog, 1, 3);
  auto employee_client = client_for(*app, employee());
  const auto third = place_paid_personal_order(world, *employee_client, catalog, 2, 0);
  REQUIRE(totals_caught_up(world, {first.order_id, second.order_id, third}));

  const std::string mine =
      "(dimension = 'county' AND item = '" + std::to_string(catalog.county_id) +
      "') OR (dimension = 'supplier' AND item = '" + std::to_string(catalog.supplier_a) +
      "') OR (dimension = 'category' AND item = '" + std::to_string(catalog.category_id) +
      "') OR (dimension = 'unit' AND item = '" + std::to_string(subsidiary.id) + "')";
  const std::string live = totals_picture(world, "(" + mine + ")");
  const std::int64_t county_live = total(world, "county", "", std::to_string(catalog.county_id));
  CHECK(county_live == recomputed_county_aid(world, catalog.county_id));
  CHECK(county_live == 4 * 2999 - 1500 + 2999 + 2 * 2999);

  // Damage the totals of this world: a wrong county total, a lost unit row, a lost order.
  world.execute(
      "UPDATE aidstats_totals SET amount_fen = amount_fen + 777 WHERE dimension = "
      "'county' AND item = '" +
      std::to_string(catalog.county_id) + "'");
  world.execute("DELETE FROM aidstats_totals WHERE dimension = 'unit' AND item = '" +
                std::to_string(subsidiary.id) + "'");
  world.execute("DELETE FROM aidstats_order_lines WHERE order_id = " + std::to_string(third));
  world.execute("DELETE FROM aidstats_orders WHERE order_id = " + std::to_string(third));
  REQUIRE(totals_picture(world, "(" + mine + ")") != live);

  std::vector<std::pair<std::int64_t, std::int64_t>> progress;
  const auto result = huicai::aidstats::rebuild_totals(
      app->context().db(),
      [&](std::int64_t done, std::int64_t of) { progress.emplace_back(done, of); });
  CHECK(totals_picture(world, "(" + mine + ")") == live);
  CHECK(world.scalar("SELECT COUNT(*) FROM aidstats_order_lines WHERE order_id = " +
                     std::to_string(third)) == 1);
  CHECK(result.orders >= 3);
  CHECK(result.total_fen >= county_live);
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back().first == progress.back().second);
  // The live consumer goes on from the rebuilt facts: one more order counts once.
  auto fourth = place_order_of(world, buyer, catalog, 1, 0);
  REQUIRE(totals_caught_up(world, {fourth.order_id}));
  CHECK(total(world, "county", "", std::to_string(catalog.county_id)) == county_live + 2999);
}
