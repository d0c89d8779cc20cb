#pragma once
// Roles, the scopes an account acts in, and the access rule every route declares.
// The rule is data, so the authorization matrix test can enumerate it.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace huicai::auth {

enum class Role : std::uint8_t {
  employee,
  unit_buyer,
  unit_approver,
  unit_admin,
  supplier_staff,
  county_officer,
  operator_,  // "operator" is a C++ keyword
  finance,
  auditor,
};
inline constexpr Role kAllRoles[] = {
    Role::employee,   Role::unit_buyer,     Role::unit_approver,
    Role::unit_admin, Role::supplier_staff, Role::county_officer,
    Role::operator_,  Role::finance,        Role::auditor,
};
std::string_view to_string(Role role);  // "employee", ..., "operator", ...
std::optional<Role> role_from_string(std::string_view text);

// Which objects a role may touch on a route. The handler knows the object's owner and asks
// Principal::may_access(rule, owner); the middleware only checks that some role matches.
enum class Scope : std::uint8_t {
  any,           // every object (finance, auditor, operator on review routes)
  own_account,   // objects owned by the caller's account (an employee's own order)
  own_unit,      // objects of the caller's unit
  unit_subtree,  // objects of the caller's unit or any unit below it (unit_admin)
  own_supplier,  // objects of the caller's supplier (supplier_staff)
  own_county,    // objects of the caller's county (county_officer)
};

struct RoleGrant {
  Role role;
  Scope scope;
};

struct AccessRule {
  bool is_public = false;         // no token needed (login, health): declared, never defaulted
  std::vector<RoleGrant> grants;  // empty and not public = nobody (default deny)
  // Also open to an enrolment-only token (Principal::mfa_enrolment_only): the second-factor
  // enrolment routes and GET /v1/me. Every other route refuses such a token (403).
  bool admits_enrolment_only = false;

  static AccessRule public_route() { return AccessRule{true, {}}; }
  static AccessRule roles(std::initializer_list<RoleGrant> grants) {
    return AccessRule{false, grants};
  }
  AccessRule for_enrolment_too() const {
    AccessRule rule = *this;
    rule.admits_enrolment_only = true;
    return rule;
  }
  const RoleGrant* grant_for(Role role) const;
};

// Who owns an object. Fields that do not apply stay empty.
struct Owner {
  std::optional<std::uint64_t> account_id;
  std::optional<std::string> unit_path;  // materialized org path, e.g. "/1/4/17/"
  std::optional<std::uint64_t> supplier_id;
  std::optional<std::uint64_t> county_id;
};

// The authenticated caller, set on the request by the token middleware.
struct Principal {
  std::uint64_t account_id = 0;
  std::string login;
  std::vector<Role> roles;
  std::optional<std::uint64_t> unit_id;
  std::string unit_path;  // "/1/4/17/" for a unit account, empty otherwise
  std::optional<std::uint64_t> supplier_id;
  std::optional<std::uint64_t> county_id;
  std::string token_id;  // for revocation
  // Signed in with the password alone while a role requires a second factor that is not
  // enrolled yet: the token opens only the enrolment routes (AccessRule::admits_enrolment_only).
  bool mfa_enrolment_only = false;

  bool has_role(Role role) const;
  // True when one of the caller's roles is granted by the rule.
  bool allowed_by(const AccessRule& rule) const;
  // True when one of the caller's granted roles reaches the owner under its scope.
  bool may_access(const AccessRule& rule, const Owner& owner) const;
};

}  // namespace huicai::auth
