#include <array>
#include <huicai/core/auth/list_scope.hpp>

namespace huicai::auth {
namespace {

// Widest first: the first scope the caller holds with its anchor decides.
constexpr std::array kWidestFirst{Scope::any,        Scope::unit_subtree, Scope::own_unit,
                                  Scope::own_county, Scope::own_supplier, Scope::own_account};

std::optional<ListScope> anchored(const Principal& caller, Scope scope) {
  switch (scope) {
    case Scope::any:
      return ListScope{};
    case Scope::unit_subtree:
    case Scope::own_unit:
      if (caller.unit_path.empty()) return std::nullopt;
      return ListScope{scope, 0, caller.unit_path};
    case Scope::own_county:
      if (!caller.county_id) return std::nullopt;
      return ListScope{scope, *caller.county_id, {}};
    case Scope::own_supplier:
      if (!caller.supplier_id) return std::nullopt;
      return ListScope{scope, *caller.supplier_id, {}};
    case Scope::own_account:
      if (caller.account_id == 0) return std::nullopt;
      return ListScope{scope, caller.account_id, {}};
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::int64_t> ListScope::supplier_id() const {
  if (scope != Scope::own_supplier) return std::nullopt;
  return static_cast<std::int64_t>(id);
}

std::optional<std::int64_t> ListScope::county_id() const {
  if (scope != Scope::own_county) return std::nullopt;
  return static_cast<std::int64_t>(id);
}

std::optional<ListScope> list_scope(const Principal& caller, const AccessRule& rule) {
  for (Scope wanted : kWidestFirst) {
    for (const RoleGrant& grant : rule.grants) {
      if (grant.scope != wanted || !caller.has_role(grant.role)) continue;
      if (auto scope = anchored(caller, wanted)) return scope;
    }
  }
  return std::nullopt;
}

}  // namespace huicai::auth
