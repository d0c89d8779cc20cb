#pragma once
// Which rows a list may show the caller: the widest scope its roles get on the route. One rule
// for every service's lists, read from the principal (never from the request's query or path),
// so a list and a single-object read (Principal::may_access) never disagree.

#include <cstdint>
#include <huicai/core/auth/roles.hpp>
#include <optional>
#include <string>

namespace huicai::auth {

struct ListScope {
  Scope scope = Scope::any;  // any: every row
  std::uint64_t id = 0;      // the account (own_account), supplier or county the rows belong to
  std::string unit_path;     // own_unit: this unit; unit_subtree: this unit and those below

  bool everything() const { return scope == Scope::any; }
  std::optional<std::int64_t> supplier_id() const;  // set only for own_supplier
  std::optional<std::int64_t> county_id() const;    // set only for own_county
};

// The widest scope among the rule's grants for roles the caller holds, in the order any,
// unit_subtree, own_unit, own_county, own_supplier, own_account. A grant whose anchor the
// account lacks (a supplier role with no supplier) is skipped. nullopt: nothing to list.
std::optional<ListScope> list_scope(const Principal& caller, const AccessRule& rule);

}  // namespace huicai::auth
