// Four eyes on money (issue 10 item 4): nobody grants its own unit or its own allowance, and a
// unit's budget comes out of its parent's.
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

std::string budget_url(std::int64_t unit_id) {
  return "/v1/units/" + std::to_string(unit_id) + "/budgets/" + std::to_string(this_year());
}

std::string grant(std::int64_t fen) {
  return R"({"granted_fen":)" + std::to_string(fen) + "}";
}

std::string problem_type(const HttpResponse& response) {
  return std::string(response.json().at("type").as_string());
}

}  // namespace

TEST_CASE("a unit admin cannot grant its own unit's budget or its own allowance",
          "[ordering][funds][four-eyes]") {
  World world;
  auto app = start_app();
  const auto group = world.make_unit(std::nullopt, "group");
  const auto unit = world.make_unit(group);
  auto finance = client_for(*app, with_role(auth::Role::finance));
  REQUIRE(finance->put(budget_url(group.id), grant(1'000'000)).status == 200);
  const auto admin_account = world.make_account(unit);
  auto admin = client_for(*app, in_unit(auth::Role::unit_admin, unit, admin_account));

  auto own_budget = admin->put(budget_url(unit.id), grant(500'000));
  INFO(own_budget.body);
  CHECK(own_budget.status == 403);
  CHECK(problem_type(own_budget).ends_with("/own-unit-grant"));
  const auto own_allowance_url =
      "/v1/allowances/" + std::to_string(admin_account) + "/" + std::to_string(this_year());
  auto own_allowance = admin->put(own_allowance_url, grant(5'000));
  CHECK(own_allowance.status == 403);
  CHECK(problem_type(own_allowance).ends_with("/own-account-grant"));
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_unit_budgets WHERE unit_id = " +
                     std::to_string(unit.id)) == 0);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_allowances WHERE account_id = " +
                     std::to_string(admin_account)) == 0);

  // The admin of the unit above grants both.
  auto above = client_for(*app, in_unit(auth::Role::unit_admin, group));
  CHECK(above->put(budget_url(unit.id), grant(500'000)).status == 200);
  CHECK(above->put(own_allowance_url, grant(5'000)).status == 200);
  // The admin grants the other employees of its unit.
  const auto colleague = world.make_account(unit);
  CHECK(admin
            ->put("/v1/allowances/" + std::to_string(colleague) + "/" + std::to_string(this_year()),
                  grant(5'000))
            .status == 200);
}

TEST_CASE("budgets granted to a child unit come out of the parent's budget",
          "[ordering][funds][four-eyes]") {
  World world;
  auto app = start_app();
  const auto group = world.make_unit(std::nullopt, "group");
  const auto subsidiary = world.make_unit(group);
  const auto canteen = world.make_unit(subsidiary, "canteen");
  const auto sibling = world.make_unit(group);
  auto finance = client_for(*app, with_role(auth::Role::finance));
  auto admin = client_for(*app, in_unit(auth::Role::unit_admin, subsidiary));
  auto budget = [&](const World::Unit& unit) {
    auto response = finance->get(budget_url(unit.id));
    INFO(response.body);
    REQUIRE(response.status == 200);
    return response.json().as_object();
  };

  // A unit whose parent has no budget gets none.
  auto unfunded = finance->put(budget_url(subsidiary.id), grant(60'000));
  CHECK(unfunded.status == 409);
  CHECK(problem_type(unfunded).ends_with("/parent-budget-insufficient"));

  REQUIRE(finance->put(budget_url(group.id), grant(100'000)).status == 200);
  REQUIRE(finance->put(budget_url(subsidiary.id), grant(60'000)).status == 200);
  CHECK(budget(group).at("available_fen").as_int64() == 40'000);
  CHECK(budget(group).at("delegated_fen").as_int64() == 60'000);

  REQUIRE(admin->put(budget_url(canteen.id), grant(50'000)).status == 200);
  CHECK(budget(subsidiary).at("available_fen").as_int64() == 10'000);
  CHECK(budget(subsidiary).at("delegated_fen").as_int64() == 50'000);

  // Raising the canteen by 20,000 needs more than the subsidiary has left: nothing moves.
  auto too_much = admin->put(budget_url(canteen.id), grant(70'000));
  INFO(too_much.body);
  CHECK(too_much.status == 409);
  CHECK(problem_type(too_much).ends_with("/parent-budget-insufficient"));
  CHECK(budget(canteen).at("granted_fen").as_int64() == 50'000);
  CHECK(budget(subsidiary).at("available_fen").as_int64() == 10'000);

  // A cut gives the difference back to the parent.
  REQUIRE(admin->put(budget_url(canteen.id), grant(20'000)).status == 200);
  CHECK(budget(subsidiary).at("available_fen").as_int64() == 40'000);
  CHECK(budget(subsidiary).at("delegated_fen").as_int64() == 20'000);
  CHECK(budget(canteen).at("available_fen").as_int64() == 20'000);

  // What a unit handed down is committed: its own grant cannot go below it.
  auto below = finance->put(budget_url(subsidiary.id), grant(10'000));
  CHECK(below.status == 409);
  CHECK(problem_type(below).ends_with("/grant-below-committed"));
  // The group has 40,000 left for its other subsidiary.
  CHECK(finance->put(budget_url(sibling.id), grant(50'000)).status == 409);
  REQUIRE(finance->put(budget_url(sibling.id), grant(40'000)).status == 200);
  CHECK(budget(group).at("available_fen").as_int64() == 0);
  CHECK(budget(group).at("delegated_fen").as_int64() == 100'000);
}

namespace {

std::int64_t audit_entries(World& world, const std::string& aggregate) {
  return world.scalar(
      "SELECT COUNT(*) FROM ordering_outbox WHERE event_type = 'audit.recorded.v1' AND "
      "aggregate_id = '" +
      aggregate + "'");
}

}  // namespace

TEST_CASE("a grant above the approval amount waits for someone else in finance",
          "[ordering][funds][four-eyes]") {
  World world;
  auto app = start_app();  // HUICAI_GRANT_APPROVAL_ABOVE_FEN: the default, ¥100,000
  const auto group = world.make_unit(std::nullopt, "group");
  const auto subsidiary = world.make_unit(group);
  const auto other = world.make_unit(group);
  auto requester = client_for(*app, with_role(auth::Role::finance));
  auto approver = client_for(*app, with_role(auth::Role::finance));

  // ¥500,000 for the group: filed, not applied.
  auto filed = requester->put(budget_url(group.id), grant(50'000'000));
  INFO(filed.body);
  REQUIRE(filed.status == 202);
  const auto request = filed.json().as_object();
  CHECK(request.at("status").as_string() == "pending");
  CHECK(request.at("granted_fen").as_int64() == 50'000'000);
  const auto id = std::to_string(request.at("id").as_int64());
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_unit_budgets WHERE unit_id = " +
                     std::to_string(group.id)) == 0);
  auto again = requester->put(budget_url(group.id), grant(60'000'000));
  CHECK(again.status == 409);
  CHECK(problem_type(again).ends_with("/grant-request-pending"));

  // Not by the requester; then once by another.
  auto own = requester->post("/v1/grant-requests/" + id + "/approve", "{}");
  CHECK(own.status == 403);
  CHECK(problem_type(own).ends_with("/own-grant-request"));
  auto approved = approver->post("/v1/grant-requests/" + id + "/approve", "{}");
  INFO(approved.body);
  REQUIRE(approved.status == 200);
  CHECK(approved.json().at("grant_request").at("status").as_string() == "approved");
  CHECK(approved.json().at("balance").at("granted_fen").as_int64() == 50'000'000);
  CHECK(world.scalar("SELECT available_fen FROM ordering_unit_budgets WHERE unit_id = " +
                     std::to_string(group.id)) == 50'000'000);
  CHECK(approver->post("/v1/grant-requests/" + id + "/approve", "{}").status == 409);
  CHECK(audit_entries(world, "grant_request:" + id) == 2);  // created, approved
  CHECK(audit_entries(world, "unit_budget:" + std::to_string(group.id) + "/" +
                                 std::to_string(this_year())) == 1);

  // A unit admin's big grant to a unit below: listed for its subtree and finance, rejected
  // with a reason, nothing moves.
  auto admin = client_for(*app, in_unit(auth::Role::unit_admin, group));
  auto big = admin->put(budget_url(subsidiary.id), grant(20'000'000));
  REQUIRE(big.status == 202);
  const auto big_id = big.json().at("id").as_int64();
  auto listed = [&](HttpClient& client) {
    auto response = client.get("/v1/grant-requests?status=pending");
    REQUIRE(response.status == 200);
    const auto page = response.json();
    for (const auto& item : page.at("items").as_array()) {
      if (item.at("id").as_int64() == big_id) return true;
    }
    return false;
  };
  CHECK(listed(*admin));
  CHECK(listed(*approver));
  CHECK_FALSE(listed(*client_for(*app, in_unit(auth::Role::unit_admin, other))));
  const auto big_path = "/v1/grant-requests/" + std::to_string(big_id);
  CHECK(approver->post(big_path + "/reject", "{}").status == 422);
  auto rejected = approver->post(big_path + "/reject", R"({"reason":"超出年度计划"})");
  REQUIRE(rejected.status == 200);
  CHECK(rejected.json().at("status").as_string() == "rejected");
  CHECK(approver->post(big_path + "/approve", "{}").status == 409);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_unit_budgets WHERE unit_id = " +
                     std::to_string(subsidiary.id)) == 0);
  CHECK(world.scalar("SELECT available_fen FROM ordering_unit_budgets WHERE unit_id = " +
                     std::to_string(group.id)) == 50'000'000);
  CHECK(audit_entries(world, "grant_request:" + std::to_string(big_id)) == 2);

  // At or below the amount, and cuts, apply at once.
  CHECK(admin->put(budget_url(subsidiary.id), grant(10'000'000)).status == 200);
  CHECK(requester->put(budget_url(group.id), grant(40'000'000)).status == 200);
  CHECK(world.scalar("SELECT available_fen FROM ordering_unit_budgets WHERE unit_id = " +
                     std::to_string(group.id)) == 30'000'000);
}

TEST_CASE("an approver cannot approve orders of accounts it created within the window",
          "[ordering][approval][four-eyes]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();  // HUICAI_ORDER_APPROVAL_CREATOR_WINDOW_DAYS: the default, 30
  const auto unit = world.make_unit(std::nullopt, "group");
  auto finance = client_for(*app, with_role(auth::Role::finance));
  REQUIRE(finance->put(budget_url(unit.id), grant(1'000'000)).status == 200);
  REQUIRE(client_for(*app, in_unit(auth::Role::unit_admin, unit))
              ->put("/v1/units/" + std::to_string(unit.id) + "/ordering-settings",
                    R"({"approval_threshold_fen":0})")
              .status == 200);
  const auto approver_id = world.make_account(unit);
  auto approver = client_for(*app, in_unit(auth::Role::unit_approver, unit, approver_id));
  auto order_by = [&](std::int64_t buyer_id, const std::string& key_text) {
    auto buyer = client_for(*app, in_unit(auth::Role::unit_buyer, unit, buyer_id));
    auto order = buyer->post("/v1/orders", order_body(catalog, 1, 0, "unit_budget"),
                             key(key_text + world.suffix));
    INFO(order.body);
    REQUIRE(order.status == 201);
    REQUIRE(order.json().at("status").as_string() == "pending_approval");
    return std::to_string(order.json().at("id").as_int64());
  };
  const auto fresh = order_by(world.make_account(unit, approver_id, 3), "fresh-");
  const auto older = order_by(world.make_account(unit, approver_id, 31), "older-");
  const auto others = order_by(world.make_account(unit, approver_id + 1, 0), "others-");

  auto refused = approver->post("/v1/orders/" + fresh + "/approve", "{}");
  INFO(refused.body);
  CHECK(refused.status == 403);
  CHECK(problem_type(refused).ends_with("/approver-created-buyer"));
  CHECK(world.scalar("SELECT status = 'pending_approval' FROM ordering_orders WHERE id = " +
                     fresh) == 1);
  CHECK(approver->post("/v1/orders/" + older + "/approve", "{}").status == 200);
  CHECK(approver->post("/v1/orders/" + others + "/approve", "{}").status == 200);
  // Another approver may approve it.
  auto colleague =
      client_for(*app, in_unit(auth::Role::unit_approver, unit, world.make_account(unit)));
  CHECK(colleague->post("/v1/orders/" + fresh + "/approve", "{}").status == 200);
}
