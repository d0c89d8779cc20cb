#pragma once
// Setting a unit budget or an allowance for a year: who may, on which row, and the change
// itself. The unit a row is filed under comes from identity's directory (org_view.hpp), never
// from the request. Used by the grant routes (fund_grants.cpp) and by finance's approval of a
// pending grant (grant_requests.cpp), both inside one transaction.

#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/ordering/fund_math.hpp>
#include <optional>
#include <string>

#include "org_view.hpp"

namespace huicai::http {
struct Request;
}
namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

// One balance row: a unit's budget (key = unit id) or an employee's allowance (key = account
// id) for a year, and the unit it is filed under.
struct GrantTarget {
  FundSource source = FundSource::unit_budget;  // unit_budget or allowance
  std::int64_t key = 0;
  int year = 0;
  OrgUnit unit;
};

// The targets named by a route's path, after the scope checks: 404 when the unit or account
// does not exist or the caller's scope does not reach it (ids of other tenants do not leak).
GrantTarget budget_target(mysql::Session& session, const http::Request& request,
                          std::int64_t unit_id, int year);
GrantTarget allowance_target(mysql::Session& session, const http::Request& request,
                             std::int64_t account_id, int year);

// Four eyes: a grant to the caller's own unit or own account is made by someone else (403).
void refuse_own_grant(const http::Request& request, const GrantTarget& target);

// The target's granted amount (0 when it has no row yet), locking the row for the rest of the
// transaction. An existing row is checked against the caller's scope first (404).
std::int64_t lock_granted(mysql::Session& session, const http::Request& request,
                          const GrantTarget& target);

// Sets the grant to `granted_fen`, moving the available balance by the difference (never below
// what orders hold, spent or handed down: 409), and records the audit entry as the caller.
// A budget of a unit with a parent comes out of the parent's budget of the same year: a raise
// takes the difference from the parent's available balance (409 "parent-budget-insufficient"
// when it has less, or no budget), a cut gives back what the parent handed down. Returns the
// balance as the routes answer it.
boost::json::object apply_grant(mysql::Session& session, const http::Request& request,
                                const GrantTarget& target, std::int64_t granted_fen);

// A balance as the routes answer it (budgets also say what they handed down to units below);
// nullopt when there is no row.
std::optional<boost::json::object> read_balance(mysql::Session& session, FundSource source,
                                                std::int64_t key, int year);

std::string target_text(const GrantTarget& target);  // "<key>/<year>", the audit target id
std::string_view table_of(FundSource source);        // ordering_unit_budgets / ordering_allowances

}  // namespace huicai::ordering
