// Scope of the fund routes comes from identity's directory, never from the request (issue 10
// item 1): the two requests quoted in the issue, body fields naming a unit, allowances for
// accounts outside the caller's units, and rows filed under another tenant's unit.
#include <catch2/catch.hpp>
#include <chrono>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

int this_year() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  return static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
}

std::string budget_url(std::int64_t unit_id, int year = this_year()) {
  return "/v1/units/" + std::to_string(unit_id) + "/budgets/" + std::to_string(year);
}
std::string allowance_url(std::int64_t account_id) {
  return "/v1/allowances/" + std::to_string(account_id) + "/" + std::to_string(this_year());
}

// The fields a 422 names.
std::vector<std::string> error_fields(const HttpResponse& response) {
  std::vector<std::string> fields;
  const auto problem = response.json();
  for (const auto& error : problem.at("errors").as_array()) {
    fields.emplace_back(error.at("field").as_string());
  }
  return fields;
}

// Two subsidiaries of one group, as in the issue: 神东煤炭 (the caller's) and 平庄煤业.
struct TwoTenants {
  World::Unit group, shendong, pingzhuang;
  explicit TwoTenants(World& world)
      : group(world.make_unit(std::nullopt, "group")),
        shendong(world.make_unit(group)),
        pingzhuang(world.make_unit(group)) {}
};

}  // namespace

TEST_CASE("the two requests quoted in issue 10 answer 404 and change nothing",
          "[ordering][funds][scope]") {
  World world;
  auto app = start_app();
  TwoTenants org(world);
  const auto pz = std::to_string(org.pingzhuang.id);
  // 平庄煤业 has its own threshold of ¥500 already.
  world.execute(
      "INSERT INTO ordering_unit_settings (unit_id, unit_path, approval_threshold_fen) "
      "VALUES (" +
      pz + ", '" + org.pingzhuang.path + "', 50000)");
  auto admin = client_for(*app, in_unit(auth::Role::unit_admin, org.shendong));
  const std::string body_path = R"(,"unit_path":")" + org.shendong.path + R"("})";

  auto settings = admin->put("/v1/units/" + pz + "/ordering-settings",
                             R"({"approval_threshold_fen":100000000000)" + body_path);
  INFO(settings.body);
  CHECK(settings.status == 404);
  auto budget =
      admin->put(budget_url(org.pingzhuang.id, 2027), R"({"granted_fen":100000000000)" + body_path);
  INFO(budget.body);
  CHECK(budget.status == 404);
  // Without the body path too: the unit is simply not the caller's.
  CHECK(admin->put(budget_url(org.pingzhuang.id, 2027), R"({"granted_fen":1})").status == 404);

  CHECK(world.scalar("SELECT approval_threshold_fen FROM ordering_unit_settings WHERE unit_id = " +
                     pz) == 50000);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_unit_settings WHERE unit_id = " + pz) == 1);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_unit_budgets WHERE unit_id = " + pz) == 0);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_unit_budgets WHERE unit_path = '" +
                     org.shendong.path + "'") == 0);
}

TEST_CASE("a body naming a unit is refused, the unit path comes from identity",
          "[ordering][funds][scope]") {
  World world;
  auto app = start_app();
  TwoTenants org(world);
  const auto canteen = world.make_unit(org.shendong, "canteen");
  auto finance = client_for(*app, with_role(auth::Role::finance));
  REQUIRE(finance->put(budget_url(org.group.id), R"({"granted_fen":1000000})").status == 200);
  REQUIRE(finance->put(budget_url(org.shendong.id), R"({"granted_fen":100000})").status == 200);
  auto admin = client_for(*app, in_unit(auth::Role::unit_admin, org.shendong));

  auto named = admin->put(budget_url(canteen.id),
                          R"({"granted_fen":1000,"unit_path":")" + org.pingzhuang.path + R"("})");
  CHECK(named.status == 422);
  CHECK(error_fields(named) == std::vector<std::string>{"unit_path"});
  auto settings = admin->put("/v1/units/" + std::to_string(canteen.id) + "/ordering-settings",
                             R"({"approval_threshold_fen":1,"unit_path":"/"})");
  CHECK(settings.status == 422);
  CHECK(error_fields(settings) == std::vector<std::string>{"unit_path"});
  const auto employee_id = world.make_account(canteen);
  auto moved = admin->put(allowance_url(employee_id), R"({"granted_fen":1000,"unit_id":)" +
                                                          std::to_string(org.pingzhuang.id) + "}");
  CHECK(moved.status == 422);
  CHECK(error_fields(moved) == std::vector<std::string>{"unit_id"});
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_unit_budgets WHERE unit_id = " +
                     std::to_string(canteen.id)) == 0);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_allowances WHERE account_id = " +
                     std::to_string(employee_id)) == 0);

  // Without them: filed under the path identity has for the unit and the account.
  auto granted = admin->put(budget_url(canteen.id), R"({"granted_fen":1000})");
  INFO(granted.body);
  REQUIRE(granted.status == 200);
  CHECK(granted.json().at("unit_path").as_string() == canteen.path);
  auto allowance = admin->put(allowance_url(employee_id), R"({"granted_fen":1000})");
  INFO(allowance.body);
  REQUIRE(allowance.status == 200);
  CHECK(allowance.json().at("unit_path").as_string() == canteen.path);
  CHECK(world.scalar("SELECT unit_id FROM ordering_allowances WHERE account_id = " +
                     std::to_string(employee_id)) == canteen.id);
  // A unit identity does not know is not found.
  CHECK(finance->put(budget_url(999'999'999'999), R"({"granted_fen":1})").status == 404);
}

TEST_CASE("allowances only for accounts in the caller's units, rows as filed",
          "[ordering][funds][scope]") {
  World world;
  auto app = start_app();
  TwoTenants org(world);
  auto admin = client_for(*app, in_unit(auth::Role::unit_admin, org.shendong));
  const int year = this_year();

  // An employee of 平庄煤业: not found for 神东煤炭's admin, nothing written.
  const auto stranger = world.make_account(org.pingzhuang);
  CHECK(admin->put(allowance_url(stranger), R"({"granted_fen":1000})").status == 404);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_allowances WHERE account_id = " +
                     std::to_string(stranger)) == 0);
  // An account identity does not know (ids in tokens are not enough).
  CHECK(admin->put(allowance_url(999'999'999'999), R"({"granted_fen":1000})").status == 404);

  // An employee who moved into 神东煤炭 keeps the allowance 平庄煤业 filed for them out of
  // 神东煤炭's reach.
  const auto moved = world.make_account(org.shendong);
  world.execute(
      "INSERT INTO ordering_allowances (account_id, allowance_year, unit_id, unit_path, "
      "granted_fen, available_fen) VALUES (" +
      std::to_string(moved) + ", " + std::to_string(year) + ", " +
      std::to_string(org.pingzhuang.id) + ", '" + org.pingzhuang.path + "', 700, 700)");
  CHECK(admin->put(allowance_url(moved), R"({"granted_fen":100000})").status == 404);
  CHECK(world.scalar("SELECT granted_fen FROM ordering_allowances WHERE account_id = " +
                     std::to_string(moved)) == 700);

  // Its own employee: granted, readable by the employee.
  const auto own = world.make_account(org.shendong);
  REQUIRE(admin->put(allowance_url(own), R"({"granted_fen":1000})").status == 200);
  auto employee_principal = employee(org.shendong.id, org.shendong.path);
  employee_principal.account_id = static_cast<std::uint64_t>(own);
  auto balance = client_for(*app, employee_principal)->get(allowance_url(own));
  REQUIRE(balance.status == 200);
  CHECK(balance.json().at("available_fen").as_int64() == 1000);
}
