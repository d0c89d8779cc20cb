// The totals API: a unit's purchases rolled up its subtree through identity's directory, a
// county's total, breakdowns and series; who may read what (finance, auditor, operator: all;
// a unit admin: their own subtree; others 403); unknown unit, county or year 404; a malformed
// period 422.
#include <catch2/catch.hpp>
#include <cstdint>

#include "aidstats_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::aidstats;

namespace {

boost::json::object find_item(const boost::json::object& body, const std::string& item) {
  for (const auto& entry : body.at("items").as_array()) {
    if (entry.at("item").as_string() == item) return entry.as_object();
  }
  return {};
}

std::string problem_type(const HttpResponse& response) {
  return std::string(response.json().at("type").as_string());
}

}  // namespace

TEST_CASE("the totals API rolls units up the org tree and refuses what it must",
          "[aidstats][api]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_aidstats_app();
  // A subsidiary with a canteen below it; another subsidiary elsewhere.
  const auto subsidiary = world.make_unit();
  const auto canteen = world.make_unit(subsidiary, "canteen");
  const auto elsewhere = world.make_unit();
  auto buyer = buyer_of(*app, world, canteen, 100000, subsidiary);
  auto order = place_order_of(world, buyer, catalog, 2, 1);  // A certified: 59.98
  REQUIRE(totals_caught_up(world, {order.order_id}));

  auto finance = client_for(*app, with_role(auth::Role::finance));
  const auto subsidiary_path = "/v1/aid-totals/units/" + std::to_string(subsidiary.id);
  auto rolled = ok(finance->get(subsidiary_path));
  CHECK(rolled.at("total_fen").as_int64() == 5998);
  CHECK(rolled.at("own_fen").as_int64() == 0);
  REQUIRE(rolled.at("children").as_array().size() == 1);
  CHECK(rolled.at("children").as_array()[0].at("unit_id").as_int64() == canteen.id);
  CHECK(rolled.at("children").as_array()[0].at("total_fen").as_int64() == 5998);
  const auto year = std::to_string(budget_year());
  CHECK(ok(finance->get(subsidiary_path + "?year=" + year)).at("total_fen").as_int64() == 5998);

  // Who reads a unit: its admins and the admins above it; not another subsidiary's admin.
  auto own_admin =
      client_for(*app, unit_role(auth::Role::unit_admin, subsidiary.id, subsidiary.path));
  CHECK(ok(own_admin->get("/v1/aid-totals/units/" + std::to_string(canteen.id)))
            .at("total_fen")
            .as_int64() == 5998);
  auto other_admin =
      client_for(*app, unit_role(auth::Role::unit_admin, elsewhere.id, elsewhere.path));
  CHECK(other_admin->get(subsidiary_path).status == 403);
  CHECK(other_admin->get("/v1/aid-totals").status == 403);
  CHECK(client_for(*app, employee())->get(subsidiary_path).status == 403);
  CHECK(client_for(*app, supplier_staff(catalog.supplier_a))->get("/v1/aid-totals").status == 403);
  for (auto role : {auth::Role::auditor, auth::Role::operator_}) {
    CHECK(client_for(*app, with_role(role))->get(subsidiary_path).status == 200);
  }

  // Where the roll-ups start (the dashboard's subsidiary table): every root of the org tree for
  // finance, largest first (this world's subsidiary is a root holding its canteen's purchase);
  // a unit admin's own unit for them; nothing for an employee.
  auto tops = ok(finance->get("/v1/aid-totals/units")).at("items").as_array();
  std::int64_t previous = INT64_MAX;
  bool sorted = true;
  boost::json::object subsidiary_top;
  for (const auto& top : tops) {
    sorted = sorted && top.at("total_fen").as_int64() <= previous;
    previous = top.at("total_fen").as_int64();
    if (top.at("unit_id").as_int64() == subsidiary.id) subsidiary_top = top.as_object();
  }
  CHECK(sorted);
  REQUIRE(!subsidiary_top.empty());
  CHECK(subsidiary_top.at("total_fen").as_int64() == 5998);
  auto admin_tops = ok(own_admin->get("/v1/aid-totals/units")).at("items").as_array();
  REQUIRE(admin_tops.size() == 1);
  CHECK(admin_tops[0].at("unit_id").as_int64() == subsidiary.id);
  CHECK(admin_tops[0].at("total_fen").as_int64() == 5998);
  CHECK(client_for(*app, employee())->get("/v1/aid-totals/units").status == 403);

  // The county, by name, and in the breakdown.
  const auto county = std::to_string(catalog.county_id);
  auto county_total = ok(finance->get("/v1/aid-totals/counties/" + county));
  CHECK(county_total.at("total_fen").as_int64() == 5998);
  CHECK(county_total.at("name").as_string().starts_with("测试县"));
  auto by_county = ok(finance->get("/v1/aid-totals/breakdowns/county?year=" + year));
  CHECK(find_item(by_county, county).at("amount_fen").as_int64() == 5998);
  CHECK(find_item(by_county, county).at("name") == county_total.at("name"));
  auto overall = ok(finance->get("/v1/aid-totals?year=" + year));
  CHECK(overall.at("total_fen").as_int64() >= 5998);
  CHECK(overall.at("direct_fen").as_int64() >= 5998);
  CHECK(overall.at("direct_fen").as_int64() + overall.at("help_sell_fen").as_int64() ==
        overall.at("total_fen").as_int64());
  auto months = ok(finance->get("/v1/aid-totals/series/month?within=" + year));
  CHECK_FALSE(months.at("items").as_array().empty());

  // Unknown unit, county, year, breakdown: 404. A malformed or too fine period: 422.
  auto unknown_unit = finance->get("/v1/aid-totals/units/999999999999");
  CHECK(unknown_unit.status == 404);
  CHECK(problem_type(unknown_unit).ends_with("/unknown-unit"));
  auto unknown_county = finance->get("/v1/aid-totals/counties/999999999999");
  CHECK(unknown_county.status == 404);
  CHECK(problem_type(unknown_county).ends_with("/unknown-county"));
  auto unknown_year = finance->get("/v1/aid-totals?year=1999");
  CHECK(unknown_year.status == 404);
  CHECK(problem_type(unknown_year).ends_with("/unknown-year"));
  CHECK(finance->get("/v1/aid-totals/counties/" + county + "?year=1999").status == 404);
  CHECK(finance->get("/v1/aid-totals/breakdowns/planet").status == 404);
  CHECK(finance->get("/v1/aid-totals?period=2026-13").status == 422);
  CHECK(finance->get("/v1/aid-totals?year=26").status == 422);
  CHECK(finance->get("/v1/aid-totals/breakdowns/category?period=" + year + "-01").status == 422);
  CHECK(finance->get("/v1/aid-totals/series/day").status == 422);
}
