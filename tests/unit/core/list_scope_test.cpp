// The one rule every list uses to narrow rows to the caller: the widest scope its roles get on
// the route, anchored on the account's own unit, county, supplier or id.
#include <catch2/catch.hpp>
#include <huicai/core/auth/list_scope.hpp>

using namespace huicai::auth;

namespace {

const AccessRule kBackOffice = AccessRule::roles({{Role::operator_, Scope::any},
                                                  {Role::county_officer, Scope::own_county},
                                                  {Role::supplier_staff, Scope::own_supplier}});
const AccessRule kOrders = AccessRule::roles({{Role::employee, Scope::own_account},
                                              {Role::unit_buyer, Scope::own_unit},
                                              {Role::unit_admin, Scope::unit_subtree},
                                              {Role::finance, Scope::any}});

Principal with_roles(std::vector<Role> roles) {
  Principal caller;
  caller.account_id = 7;
  caller.roles = std::move(roles);
  return caller;
}

}  // namespace

TEST_CASE("a role granted any scope lists everything, whatever else the caller holds") {
  auto caller = with_roles({Role::supplier_staff, Role::operator_});
  caller.supplier_id = 3;
  const auto scope = list_scope(caller, kBackOffice);
  REQUIRE(scope);
  CHECK(scope->everything());
  CHECK_FALSE(scope->supplier_id());
}

TEST_CASE("supplier staff list their own supplier's rows, county officers their county's") {
  auto supplier = with_roles({Role::supplier_staff});
  supplier.supplier_id = 3;
  auto scope = list_scope(supplier, kBackOffice);
  REQUIRE(scope);
  CHECK(scope->supplier_id() == 3);
  CHECK_FALSE(scope->county_id());

  auto officer = with_roles({Role::county_officer});
  officer.county_id = 5;
  scope = list_scope(officer, kBackOffice);
  REQUIRE(scope);
  CHECK(scope->county_id() == 5);
  CHECK_FALSE(scope->supplier_id());
}

TEST_CASE("a role whose anchor the account lacks lists nothing") {
  CHECK_FALSE(list_scope(with_roles({Role::supplier_staff}), kBackOffice));
  CHECK_FALSE(list_scope(with_roles({Role::county_officer}), kBackOffice));
  CHECK_FALSE(list_scope(with_roles({Role::unit_buyer}),
                         AccessRule::roles({{Role::unit_buyer, Scope::own_unit}})));
}

TEST_CASE("a role the rule does not grant widens nothing") {
  auto caller = with_roles({Role::auditor, Role::supplier_staff});
  caller.supplier_id = 3;
  const auto scope = list_scope(caller, kBackOffice);
  REQUIRE(scope);
  CHECK(scope->supplier_id() == 3);
  CHECK_FALSE(list_scope(with_roles({Role::auditor}), kBackOffice));
}

TEST_CASE("unit roles: a subtree beats the own unit, which beats the caller's own account") {
  auto admin = with_roles({Role::employee, Role::unit_admin});
  admin.unit_path = "/1/4/";
  auto scope = list_scope(admin, kOrders);
  REQUIRE(scope);
  CHECK(scope->scope == Scope::unit_subtree);
  CHECK(scope->unit_path == "/1/4/");

  auto buyer = with_roles({Role::employee, Role::unit_buyer});
  buyer.unit_path = "/1/4/17/";
  scope = list_scope(buyer, kOrders);
  REQUIRE(scope);
  CHECK(scope->scope == Scope::own_unit);

  buyer.unit_path.clear();  // no unit on the account: only its own orders
  scope = list_scope(buyer, kOrders);
  REQUIRE(scope);
  CHECK(scope->scope == Scope::own_account);
  CHECK(scope->id == 7);
}
