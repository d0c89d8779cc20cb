// The fund routes, one line each: unit budgets, allowances, the unit's ordering settings
// (handlers in fund_grants.cpp).
#include <huicai/core/http/router.hpp>

#include "fund_handlers.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

auth::AccessRule budget_grant_rule() {
  return auth::AccessRule::roles(
      {{Role::unit_admin, Scope::unit_subtree}, {Role::finance, Scope::any}});
}
auth::AccessRule budget_read_rule() {
  return auth::AccessRule::roles({{Role::unit_buyer, Scope::own_unit},
                                  {Role::unit_approver, Scope::own_unit},
                                  {Role::unit_admin, Scope::unit_subtree},
                                  {Role::finance, Scope::any},
                                  {Role::auditor, Scope::any}});
}
auth::AccessRule unit_admin_rule() {
  return auth::AccessRule::roles({{Role::unit_admin, Scope::unit_subtree}});
}
auth::AccessRule allowance_read_rule() {
  return auth::AccessRule::roles({{Role::employee, Scope::own_account},
                                  {Role::unit_admin, Scope::unit_subtree},
                                  {Role::finance, Scope::any},
                                  {Role::auditor, Scope::any}});
}

// Binds a handler to the service state.
http::Handler bound(AwaitedResponse (*handler)(State, http::Request&), State state) {
  return [handler, state](http::Request& request) { return handler(state, request); };
}

}  // namespace

void add_fund_routes(http::Router& router, State state) {
  using http::Method;
  const std::string budget = "/v1/units/{unit_id}/budgets/{year}";
  const std::string allowance = "/v1/allowances/{account_id}/{year}";
  router.add({Method::put, budget, "ordering", budget_grant_rule(), bound(put_budget, state), {}});
  router.add({Method::get, budget, "ordering", budget_read_rule(), bound(get_budget, state), {}});
  router.add({Method::put,
              "/v1/units/{unit_id}/ordering-settings",
              "ordering",
              unit_admin_rule(),
              bound(put_ordering_settings, state),
              {}});
  router.add(
      {Method::put, allowance, "ordering", unit_admin_rule(), bound(put_allowance, state), {}});
  router.add(
      {Method::get, allowance, "ordering", allowance_read_rule(), bound(get_allowance, state), {}});
}

}  // namespace huicai::ordering
