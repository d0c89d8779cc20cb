// Role names and the scope logic behind Principal::may_access.
#include <catch2/catch.hpp>
#include <huicai/core/auth/roles.hpp>

using namespace huicai::auth;

namespace {

Principal unit_caller(Role role, std::string path) {
  Principal principal;
  principal.account_id = 7;
  principal.roles = {role};
  principal.unit_id = 17;
  principal.unit_path = std::move(path);
  return principal;
}

Owner unit_owner(std::string path) {
  Owner owner;
  owner.unit_path = std::move(path);
  return owner;
}

}  // namespace

TEST_CASE("every role round-trips through its name", "[roles]") {
  for (Role role : kAllRoles) {
    auto parsed = role_from_string(to_string(role));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == role);
  }
  CHECK(to_string(Role::operator_) == "operator");
  CHECK_FALSE(role_from_string("operator_").has_value());
  CHECK_FALSE(role_from_string("Operator").has_value());
  CHECK_FALSE(role_from_string("").has_value());
}

TEST_CASE("allowed_by needs one granted role, and empty rules deny", "[roles]") {
  auto caller = unit_caller(Role::employee, "/1/4/17/");
  CHECK(caller.allowed_by(AccessRule::roles({{Role::employee, Scope::own_account}})));
  CHECK_FALSE(caller.allowed_by(AccessRule::roles({{Role::operator_, Scope::any}})));
  CHECK_FALSE(caller.allowed_by(AccessRule{}));  // not public, no grants: nobody
  CHECK(caller.allowed_by(AccessRule::public_route()));
  Principal nobody;
  CHECK_FALSE(nobody.allowed_by(AccessRule::roles({{Role::employee, Scope::any}})));
}

TEST_CASE("grant_for finds the role's grant", "[roles]") {
  auto rule =
      AccessRule::roles({{Role::operator_, Scope::any}, {Role::unit_admin, Scope::unit_subtree}});
  REQUIRE(rule.grant_for(Role::unit_admin) != nullptr);
  CHECK(rule.grant_for(Role::unit_admin)->scope == Scope::unit_subtree);
  CHECK(rule.grant_for(Role::finance) == nullptr);
}

TEST_CASE("unit_subtree reaches the caller's unit and units below, on whole segments", "[roles]") {
  auto admin = unit_caller(Role::unit_admin, "/1/4/");
  auto rule = AccessRule::roles({{Role::unit_admin, Scope::unit_subtree}});
  CHECK(admin.may_access(rule, unit_owner("/1/4/")));
  CHECK(admin.may_access(rule, unit_owner("/1/4/17/")));
  CHECK(admin.may_access(rule, unit_owner("/1/4/17/99/")));
  CHECK_FALSE(admin.may_access(rule, unit_owner("/1/40/")));  // prefix of digits, not segment
  CHECK_FALSE(admin.may_access(rule, unit_owner("/1/")));     // the parent
  CHECK_FALSE(admin.may_access(rule, unit_owner("/2/4/")));
  CHECK_FALSE(admin.may_access(rule, Owner{}));  // an object without a unit
  auto unitless = unit_caller(Role::unit_admin, "");
  CHECK_FALSE(unitless.may_access(rule, unit_owner("/1/4/")));
}

TEST_CASE("own_unit reaches exactly the caller's unit", "[roles]") {
  auto buyer = unit_caller(Role::unit_buyer, "/1/4/17/");
  auto rule = AccessRule::roles({{Role::unit_buyer, Scope::own_unit}});
  CHECK(buyer.may_access(rule, unit_owner("/1/4/17/")));
  CHECK_FALSE(buyer.may_access(rule, unit_owner("/1/4/17/99/")));
  CHECK_FALSE(buyer.may_access(rule, unit_owner("/1/4/")));
}

TEST_CASE("own_account, own_supplier and own_county compare ids", "[roles]") {
  Principal caller;
  caller.account_id = 42;
  caller.roles = {Role::employee, Role::supplier_staff, Role::county_officer};
  caller.supplier_id = 5;
  caller.county_id = 9;
  auto rule = AccessRule::roles({{Role::employee, Scope::own_account},
                                 {Role::supplier_staff, Scope::own_supplier},
                                 {Role::county_officer, Scope::own_county}});
  CHECK(caller.may_access(rule, Owner{.account_id = 42}));
  CHECK_FALSE(caller.may_access(rule, Owner{.account_id = 43}));
  CHECK(caller.may_access(rule, Owner{.supplier_id = 5}));
  CHECK_FALSE(caller.may_access(rule, Owner{.supplier_id = 6}));
  CHECK(caller.may_access(rule, Owner{.county_id = 9}));
  CHECK_FALSE(caller.may_access(rule, Owner{.county_id = 10}));
  CHECK_FALSE(caller.may_access(rule, Owner{}));

  Principal no_supplier;
  no_supplier.account_id = 1;
  no_supplier.roles = {Role::supplier_staff};
  CHECK_FALSE(no_supplier.may_access(rule, Owner{.supplier_id = 5}));
}

TEST_CASE("any reaches everything, but only for the role granted it", "[roles]") {
  auto rule =
      AccessRule::roles({{Role::auditor, Scope::any}, {Role::employee, Scope::own_account}});
  Principal auditor;
  auditor.account_id = 3;
  auditor.roles = {Role::auditor};
  CHECK(auditor.may_access(rule, Owner{.account_id = 99}));
  CHECK(auditor.may_access(rule, Owner{}));
  // An employee who is not the owner is not helped by the auditor's grant.
  auto employee = unit_caller(Role::employee, "/1/");
  CHECK_FALSE(employee.may_access(rule, Owner{.account_id = 99}));
}

TEST_CASE("a role listed twice with two scopes reaches the union", "[roles]") {
  auto rule = AccessRule::roles(
      {{Role::unit_buyer, Scope::own_account}, {Role::unit_buyer, Scope::own_unit}});
  auto buyer = unit_caller(Role::unit_buyer, "/1/4/");
  CHECK(buyer.may_access(rule, Owner{.account_id = 7}));
  CHECK(buyer.may_access(rule, unit_owner("/1/4/")));
  CHECK_FALSE(buyer.may_access(rule, Owner{.account_id = 8, .unit_path = "/1/5/"}));
}
