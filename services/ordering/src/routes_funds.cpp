// The fund routes, one line each: unit budgets, allowances, the unit's ordering settings
// (handlers in fund_grants.cpp), grant requests waiting for finance (grant_requests.cpp).
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
auth::AccessRule grant_request_read_rule() {
  return auth::AccessRule::roles({{Role::unit_admin, Scope::unit_subtree},
                                  {Role::finance, Scope::any},
                                  {Role::auditor, Scope::any}});
}
auth::AccessRule finance_rule() {
  return auth::AccessRule::roles({{Role::finance, Scope::any}});
}
auth::AccessRule allowance_read_rule() {
  return auth::AccessRule::roles({{Role::employee, Scope::own_account},
                                  {Role::unit_admin, Scope::unit_subtree},
                                  {Role::finance, Scope::any},
                                  {Role::auditor, Scope::any}});
}

using FundHandler = AwaitedResponse (*)(State, http::Request&);

}  // namespace

void add_fund_routes(http::Router& router, State state) {
  using http::Method;
  auto add = [&](Method method, const char* pattern, auth::AccessRule rule, FundHandler handler) {
    router.add({method,
                pattern,
                "ordering",
                std::move(rule),
                [handler, state](http::Request& request) { return handler(state, request); },
                {}});
  };
  add(Method::put, "/v1/units/{unit_id}/budgets/{year}", budget_grant_rule(), put_budget);
  add(Method::get, "/v1/units/{unit_id}/budgets/{year}", budget_read_rule(), get_budget);
  add(Method::put, "/v1/units/{unit_id}/ordering-settings", unit_admin_rule(),
      put_ordering_settings);
  add(Method::put, "/v1/allowances/{account_id}/{year}", unit_admin_rule(), put_allowance);
  add(Method::get, "/v1/allowances/{account_id}/{year}", allowance_read_rule(), get_allowance);
  add(Method::get, "/v1/grant-requests", grant_request_read_rule(), list_grant_requests);
  add(Method::post, "/v1/grant-requests/{request_id}/approve", finance_rule(),
      approve_grant_request);
  add(Method::post, "/v1/grant-requests/{request_id}/reject", finance_rule(), reject_grant_request);
}

}  // namespace huicai::ordering
