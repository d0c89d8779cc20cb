// Rankings for governance bulletins: units by amount (week and month) and by reserved-share
// compliance, counties by amount received; the CSV export finance pastes into a bulletin opens
// in Excel (BOM) and cannot run a unit's name as a formula, nor can the XLSX one. Bad parameters
// 422, a year with no purchase 404, roles other than finance, auditor and operator 403.
#include <catch2/catch.hpp>

#include "aidstats_world.hpp"
#include "xlsx_rows.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::aidstats;

namespace {

std::string china_today() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(now)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

boost::json::object row_of(const boost::json::object& ranking, std::int64_t id) {
  for (const auto& row : ranking.at("rows").as_array()) {
    if (row.at("id").as_int64() == id) return row.as_object();
  }
  FAIL("id " << id << " is not ranked");
  return {};
}

}  // namespace

TEST_CASE("rankings of units and counties per week and month, as JSON, CSV and XLSX",
          "[aidstats][rankings]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_aidstats_app();
  const auto year = std::to_string(budget_year());
  const auto today = china_today();
  auto big = buyer_of(*app, world, world.make_unit(), 100000);
  auto small = buyer_of(*app, world, world.make_unit(), 100000);
  auto big_order = place_order_of(world, big, catalog, 3, 0);      // 89.97
  auto small_order = place_order_of(world, small, catalog, 1, 0);  // 29.99
  REQUIRE(totals_caught_up(world, {big_order.order_id, small_order.order_id}));
  auto finance = client_for(*app, with_role(auth::Role::finance));

  for (const std::string period : {"week", "month"}) {
    INFO(period);
    auto ranking = ok(finance->get("/v1/aid-totals/rankings?period=" + period + "&at=" + today +
                                   "&by=amount&subject=units"));
    CHECK(ranking.at("period").as_string() == period);
    CHECK(std::string(ranking.at("from").as_string()) <= today);
    CHECK(std::string(ranking.at("to").as_string()) >= today);
    auto big_row = row_of(ranking, big.unit.id);
    auto small_row = row_of(ranking, small.unit.id);
    CHECK(big_row.at("amount_fen").as_int64() == 8997);
    CHECK(small_row.at("amount_fen").as_int64() == 2999);
    CHECK(big_row.at("rank").as_int64() < small_row.at("rank").as_int64());
    CHECK(big_row.at("name").as_string().starts_with("单位"));
    auto counties = ok(finance->get("/v1/aid-totals/rankings?period=" + period + "&at=" + today +
                                    "&subject=counties"));
    CHECK(row_of(counties, catalog.county_id).at("amount_fen").as_int64() == 8997 + 2999);
  }
  // The month's first and last day.
  auto month = ok(finance->get("/v1/aid-totals/rankings?period=month&at=" + year + "-02-10"));
  CHECK(month.at("from").as_string() == year + "-02-01");
  CHECK(std::string(month.at("to").as_string()).substr(0, 9) == year + "-02-2");

  // By compliance: the small buyer against a small target ranks above the big one.
  ok(finance->put("/v1/units/" + std::to_string(big.unit.id) + "/reserved-share/" + year,
                  R"({"base_fen":10000,"ratio_basis_points":10000})"),
     201);
  ok(finance->put("/v1/units/" + std::to_string(small.unit.id) + "/reserved-share/" + year,
                  R"({"base_fen":2000,"ratio_basis_points":5000})"),
     201);
  auto by_compliance = ok(finance->get("/v1/aid-totals/rankings?period=month&at=" + today +
                                       "&by=compliance&subject=units"));
  auto big_row = row_of(by_compliance, big.unit.id);
  auto small_row = row_of(by_compliance, small.unit.id);
  CHECK(big_row.at("compliance_basis_points").as_int64() == 8997);
  CHECK(small_row.at("compliance_basis_points").as_int64() == 29990);
  CHECK(small_row.at("rank").as_int64() < big_row.at("rank").as_int64());

  // The CSV for the bulletin: BOM, the ranking's rows, a name that looks like a formula inert.
  world.execute("UPDATE identity_org_units SET name = '=HYPERLINK(\"http://x\")' WHERE id = " +
                std::to_string(small.unit.id));
  auto csv = finance->get("/v1/aid-totals/rankings.csv?period=month&at=" + today +
                          "&by=compliance&subject=units");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type").starts_with("text/csv"));
  CHECK(csv.header("content-disposition").find("attachment") != std::string::npos);
  CHECK(csv.body.starts_with("\xEF\xBB\xBF"));
  CHECK(csv.body.find("\"'=HYPERLINK(\"\"http://x\"\")\"," + std::to_string(small.unit.id) +
                      ",29.99,2999,\"299.90\"\r\n") != std::string::npos);
  auto amount_csv = finance->get("/v1/aid-totals/rankings.csv?period=week&at=" + today);
  REQUIRE(amount_csv.status == 200);
  CHECK(amount_csv.body.find("," + std::to_string(big.unit.id) + ",89.97,8997\r\n") !=
        std::string::npos);
  // The same ranking as XLSX, as a spreadsheet reads it: the same rows, the formula-like name a
  // text cell as typed (never a formula), amounts as numbers.
  auto xlsx = finance->get("/v1/aid-totals/rankings.xlsx?period=month&at=" + today +
                           "&by=compliance&subject=units");
  REQUIRE(xlsx.status == 200);
  CHECK(xlsx.header("content-type") ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK(xlsx.header("content-disposition").find(".xlsx") != std::string::npos);
  const auto rows = xlsx_rows(xlsx.body);
  CHECK_FALSE(has_formula(rows));
  CHECK(cell(rows, 1, 0) == "名次 rank");
  bool small_listed = false;
  for (std::size_t r = 2; r < rows.size(); ++r) {
    if (cell(rows, r, 2) != std::to_string(small.unit.id)) continue;
    small_listed = true;
    CHECK(cell(rows, r, 1) == "=HYPERLINK(\"http://x\")");
    CHECK(cell(rows, r, 3) == "29.99");
    CHECK(cell(rows, r, 4) == "2999");
    CHECK(cell(rows, r, 5) == "299.90");
  }
  CHECK(small_listed);

  // Refusals.
  const std::string base = "/v1/aid-totals/rankings?at=" + today;
  CHECK(finance->get(base + "&period=day").status == 422);
  CHECK(finance->get(base + "&by=weight").status == 422);
  CHECK(finance->get(base + "&subject=suppliers").status == 422);
  CHECK(finance->get(base + "&subject=counties&by=compliance").status == 422);
  CHECK(finance->get("/v1/aid-totals/rankings?at=" + year + "-13-01").status == 422);
  CHECK(finance->get("/v1/aid-totals/rankings?at=1999-06-01").status == 404);
  CHECK(finance->get("/v1/aid-totals/rankings.csv?at=1999-06-01").status == 404);
  CHECK(finance->get("/v1/aid-totals/rankings.xlsx?at=1999-06-01").status == 404);
  for (auto role : {auth::Role::auditor, auth::Role::operator_}) {
    CHECK(client_for(*app, with_role(role))->get(base).status == 200);
  }
  CHECK(client_for(*app, unit_role(auth::Role::unit_admin, big.unit.id, big.unit.path))
            ->get(base)
            .status == 403);
  CHECK(client_for(*app, employee())->get(base + "&subject=counties").status == 403);
}
