// Traceability (issue 15 item 3): the trace of an order line for the buyer, the buyer's unit,
// the county officer of the supplier's county and auditors. Everyone else: 404 (the line's
// existence is not revealed); ownership from ordering's own records of the order.
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/mysql/pool.hpp>

#include "line_trace.hpp"
#include "service_state.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

// GET /v1/order-lines/{line_id}/trace
boost::asio::awaitable<http::Response> line_trace_route(State state, http::Request& request) {
  const auto line_id = path_id(request, "line_id");
  auto trace = co_await state->context.db().run([&](mysql::Session& session) {
    auto found = load_line_trace(session, line_id);
    if (!found) throw http::Problem(404, "not-found", "Not found", "no such order line");
    request.require_access(found->owner, true);
    return std::move(found->trace);
  });
  co_return http::Response::json(200, trace);
}

}  // namespace

void add_trace_routes(http::Router& router, State state) {
  const auto read = auth::AccessRule::roles({{Role::employee, Scope::own_account},
                                             {Role::unit_buyer, Scope::own_unit},
                                             {Role::unit_approver, Scope::own_unit},
                                             {Role::unit_admin, Scope::unit_subtree},
                                             {Role::county_officer, Scope::own_county},
                                             {Role::auditor, Scope::any}});
  router.add(
      http::Route{http::Method::get,
                  "/v1/order-lines/{line_id}/trace",
                  "ordering",
                  read,
                  [state](http::Request& request) { return line_trace_route(state, request); },
                  {}});
}

}  // namespace huicai::ordering
