// Reserved shares: a unit admin files its own units' yearly base and ratio, finance any unit's;
// compliance is purchased ÷ (base × ratio) per unit, a purchase counting toward the nearest
// filed unit at or above the buyer, rolled up for the group, with the units below target listed.
// Bad input changes nothing: ratio outside 0-100 % 422, unknown unit or year 404, wrong role
// or another subtree 403, a stale or missing If-Match on a change 412 / 428.
#include <catch2/catch.hpp>

#include "aidstats_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::aidstats;

namespace {

std::string share(std::int64_t base_fen, std::int64_t ratio_basis_points) {
  return R"({"base_fen":)" + std::to_string(base_fen) + R"(,"ratio_basis_points":)" +
         std::to_string(ratio_basis_points) + "}";
}

boost::json::object unit_row(const boost::json::object& report, std::int64_t unit_id) {
  for (const auto& row : report.at("units").as_array()) {
    if (row.at("unit_id").as_int64() == unit_id) return row.as_object();
  }
  FAIL("unit " << unit_id << " is not in the report");
  return {};
}

}  // namespace

TEST_CASE("reserved shares: filing, compliance per unit and rolled up, and refusals",
          "[aidstats][reserved-share]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_aidstats_app();
  const auto year = std::to_string(budget_year());
  // A subsidiary with two canteens; the first files its own share, the second does not (its
  // purchases count toward the subsidiary's). Another subsidiary elsewhere.
  const auto subsidiary = world.make_unit();
  const auto canteen = world.make_unit(subsidiary, "canteen");
  const auto second_canteen = world.make_unit(subsidiary, "canteen");
  const auto elsewhere = world.make_unit();
  auto finance = client_for(*app, with_role(auth::Role::finance));
  ok(finance->put("/v1/units/" + std::to_string(subsidiary.id) + "/budgets/" + year,
                  R"({"granted_fen":200000})"));
  auto admin =
      client_for(*app, in_unit(auth::Role::unit_admin, subsidiary, world.make_account(subsidiary)));
  for (const auto& unit : {canteen, second_canteen}) {
    ok(admin->put("/v1/units/" + std::to_string(unit.id) + "/budgets/" + year,
                  R"({"granted_fen":100000})"));
  }
  OrgBuyer first{canteen, client_for(*app, in_unit(auth::Role::unit_buyer, canteen,
                                                   world.make_account(canteen)))};
  OrgBuyer second{second_canteen, client_for(*app, in_unit(auth::Role::unit_buyer, second_canteen,
                                                           world.make_account(second_canteen)))};
  auto first_order = place_order_of(world, first, catalog, 2, 1);    // certified 59.98
  auto second_order = place_order_of(world, second, catalog, 1, 0);  // certified 29.99
  REQUIRE(totals_caught_up(world, {first_order.order_id, second_order.order_id}));

  const auto subsidiary_share =
      "/v1/units/" + std::to_string(subsidiary.id) + "/reserved-share/" + year;
  const auto canteen_share = "/v1/units/" + std::to_string(canteen.id) + "/reserved-share/" + year;

  // The subsidiary's admin files both; finance could too.
  auto filed = admin->put(subsidiary_share, share(100000, 3000));  // target 300.00
  REQUIRE(filed.status == 201);
  CHECK(filed.header("etag") == "\"v1\"");
  CHECK(filed.json().at("target_fen").as_int64() == 30000);
  REQUIRE(admin->put(canteen_share, share(10000, 5000)).status == 201);  // target 50.00

  // Refusals, and nothing changes.
  CHECK(admin->put(subsidiary_share, share(100000, 10001), {{"if-match", "\"v1\""}}).status == 422);
  CHECK(admin->put(subsidiary_share, share(100000, -1), {{"if-match", "\"v1\""}}).status == 422);
  CHECK(admin->put(subsidiary_share, share(-5, 3000), {{"if-match", "\"v1\""}}).status == 422);
  CHECK(admin->put("/v1/units/999999999/reserved-share/" + year, share(1, 1)).status == 404);
  CHECK(
      finance
          ->put("/v1/units/" + std::to_string(subsidiary.id) + "/reserved-share/1999", share(1, 1))
          .status == 404);
  CHECK(finance->get("/v1/aid-totals/reserved-share?year=1999").status == 404);
  CHECK(finance->get("/v1/aid-totals/reserved-share").status == 422);
  auto other_admin =
      client_for(*app, unit_role(auth::Role::unit_admin, elsewhere.id, elsewhere.path));
  CHECK(other_admin->put(subsidiary_share, share(1, 1)).status == 403);
  CHECK(other_admin->get(subsidiary_share).status == 403);
  for (auto role :
       {auth::Role::auditor, auth::Role::operator_, auth::Role::unit_buyer, auth::Role::employee}) {
    CHECK(client_for(*app, unit_role(role, subsidiary.id, subsidiary.path))
              ->put(subsidiary_share, share(1, 1))
              .status == 403);
  }
  CHECK(client_for(*app, employee())->get("/v1/aid-totals/reserved-share?year=" + year).status ==
        403);
  // A change needs the current ETag.
  CHECK(admin->put(subsidiary_share, share(120000, 2500)).status == 428);
  CHECK(admin->put(subsidiary_share, share(120000, 2500), {{"if-match", "\"v7\""}}).status == 412);
  auto unchanged = ok(finance->get(subsidiary_share));
  CHECK(unchanged.at("base_fen").as_int64() == 100000);
  CHECK(unchanged.at("ratio_basis_points").as_int64() == 3000);
  CHECK(unchanged.at("version").as_int64() == 1);

  // Compliance: the canteen's 59.98 against its 50.00; the second canteen's 29.99 counts toward
  // the subsidiary's 300.00.
  auto canteen_row = ok(finance->get(canteen_share));
  CHECK(canteen_row.at("purchased_fen").as_int64() == 5998);
  CHECK(canteen_row.at("target_fen").as_int64() == 5000);
  CHECK(canteen_row.at("compliance_basis_points").as_int64() == 11996);
  CHECK_FALSE(canteen_row.at("below_target").as_bool());

  // The subsidiary's admin reads its subtree rolled up; the group figures sum its filings.
  auto report = ok(admin->get("/v1/aid-totals/reserved-share?year=" + year));
  CHECK(report.at("year").as_int64() == budget_year());
  REQUIRE(report.at("units").as_array().size() == 2);
  auto subsidiary_row = unit_row(report, subsidiary.id);
  CHECK(subsidiary_row.at("purchased_fen").as_int64() == 2999);
  CHECK(subsidiary_row.at("target_fen").as_int64() == 30000);
  CHECK(subsidiary_row.at("compliance_basis_points").as_int64() == 999);
  CHECK(subsidiary_row.at("below_target").as_bool());
  CHECK(subsidiary_row.at("parent_unit_id").as_int64() == 0);
  CHECK(unit_row(report, canteen.id).at("parent_unit_id").as_int64() == subsidiary.id);
  const auto& group = report.at("group").as_object();
  CHECK(group.at("base_fen").as_int64() == 110000);
  CHECK(group.at("target_fen").as_int64() == 35000);
  CHECK(group.at("purchased_fen").as_int64() == 8997);
  CHECK(group.at("compliance_basis_points").as_int64() == 8997 * 10000 / 35000);
  CHECK(group.at("below_target").as_bool());
  CHECK(report.at("below_target").as_array() == boost::json::array{subsidiary.id});

  // Finance sees every filing of the group, these among them.
  auto everything = ok(finance->get("/v1/aid-totals/reserved-share?year=" + year));
  CHECK(unit_row(everything, canteen.id).at("compliance_basis_points").as_int64() == 11996);
  CHECK(everything.at("group").at("target_fen").as_int64() >= 35000);
  CHECK(client_for(*app, with_role(auth::Role::auditor))
            ->get("/v1/aid-totals/reserved-share?year=" + year)
            .status == 200);
  // Another subsidiary's admin sees none of it.
  auto theirs = ok(other_admin->get("/v1/aid-totals/reserved-share?year=" + year));
  CHECK(theirs.at("units").as_array().empty());

  // Finance raises the subsidiary's ratio with the current ETag: the subsidiary now meets it.
  auto changed = finance->put(subsidiary_share, share(100000, 20), {{"if-match", "\"v1\""}});
  REQUIRE(changed.status == 200);
  CHECK(changed.header("etag") == "\"v2\"");
  auto met = ok(finance->get(subsidiary_share));
  CHECK(met.at("target_fen").as_int64() == 200);
  CHECK(met.at("compliance_basis_points").as_int64() == 2999 * 10000 / 200);
  CHECK_FALSE(met.at("below_target").as_bool());

  // Both filings and the change are in the audit trail (the outbox toward identity's log).
  CHECK(world.scalar("SELECT COUNT(*) FROM aidstats_outbox WHERE event_type = "
                     "'audit.recorded.v1' AND aggregate_id = 'reserved_share:" +
                     std::to_string(subsidiary.id) + "/" + year + "'") == 2);
}
