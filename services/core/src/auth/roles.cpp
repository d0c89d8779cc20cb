// Role names and the scope check every handler relies on. Kept free of I/O so the unit tests and
// the authorization matrix test can exercise it directly.
#include <algorithm>
#include <huicai/core/auth/roles.hpp>

namespace huicai::auth {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::employee:
      return "employee";
    case Role::unit_buyer:
      return "unit_buyer";
    case Role::unit_approver:
      return "unit_approver";
    case Role::unit_admin:
      return "unit_admin";
    case Role::supplier_staff:
      return "supplier_staff";
    case Role::county_officer:
      return "county_officer";
    case Role::operator_:
      return "operator";
    case Role::finance:
      return "finance";
    case Role::auditor:
      return "auditor";
  }
  return "unknown";
}

std::optional<Role> role_from_string(std::string_view text) {
  for (Role role : kAllRoles) {
    if (to_string(role) == text) return role;
  }
  return std::nullopt;
}

const RoleGrant* AccessRule::grant_for(Role role) const {
  for (const RoleGrant& grant : grants) {
    if (grant.role == role) return &grant;
  }
  return nullptr;
}

bool Principal::has_role(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Principal::allowed_by(const AccessRule& rule) const {
  // A public rule lets anyone in, authenticated or not; otherwise one granted role is needed.
  if (rule.is_public) return true;
  return std::any_of(roles.begin(), roles.end(),
                     [&](Role role) { return rule.grant_for(role) != nullptr; });
}

namespace {

// A unit path is "/1/4/17/": a prefix match on whole segments (the trailing slash makes
// "/1/4/" never match "/1/40/").
bool within_subtree(std::string_view caller_path, std::string_view object_path) {
  if (caller_path.empty() || caller_path.back() != '/') return false;
  return object_path.size() >= caller_path.size() &&
         object_path.substr(0, caller_path.size()) == caller_path;
}

bool scope_reaches(const Principal& caller, Scope scope, const Owner& owner) {
  switch (scope) {
    case Scope::any:
      return true;
    case Scope::own_account:
      return owner.account_id.has_value() && caller.account_id != 0 &&
             *owner.account_id == caller.account_id;
    case Scope::own_unit:
      return owner.unit_path.has_value() && !caller.unit_path.empty() &&
             *owner.unit_path == caller.unit_path;
    case Scope::unit_subtree:
      return owner.unit_path.has_value() && within_subtree(caller.unit_path, *owner.unit_path);
    case Scope::own_supplier:
      return owner.supplier_id.has_value() && caller.supplier_id.has_value() &&
             *owner.supplier_id == *caller.supplier_id;
    case Scope::own_county:
      return owner.county_id.has_value() && caller.county_id.has_value() &&
             *owner.county_id == *caller.county_id;
  }
  return false;
}

}  // namespace

bool Principal::may_access(const AccessRule& rule, const Owner& owner) const {
  if (rule.is_public) return true;
  // Every grant is tried: a rule may list one role twice with different scopes.
  for (const RoleGrant& grant : rule.grants) {
    if (has_role(grant.role) && scope_reaches(*this, grant.scope, owner)) return true;
  }
  return false;
}

}  // namespace huicai::auth
