#pragma once
// Small helpers of the settlement routes: query ids and filters, the access rules, and the
// binding of a handler function to the service's context.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <huicai/core/app/context.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/settlement/reconcile.hpp>
#include <optional>
#include <string>

namespace huicai::settlement {

using RouteHandler = boost::asio::awaitable<http::Response> (*)(app::Context&, http::Request&);
http::Handler bind_handler(app::Context& context, RouteHandler handler);

std::optional<std::int64_t> query_id(const http::Request& request, std::string_view name);

// finance writes; auditors read everything; supplier staff their own supplier's statements;
// county officers their county's.
auth::AccessRule finance_rule();
auth::AccessRule statement_read_rule();
auth::AccessRule supplier_confirm_rule();
auth::AccessRule county_read_rule();          // finance, auditor, county officers (own county)
auth::AccessRule finance_read_rule();         // finance, auditor
auth::AccessRule supplier_terms_read_rule();  // finance, auditor, supplier staff (own supplier)

// The reconciliation filter of the query (from, to: YYYY-MM-DD; county_id, supplier_id), 422
// when malformed.
ReconcileFilter filter_from(const http::Request& request);

std::string today_china();  // YYYY-MM-DD in China's calendar

}  // namespace huicai::settlement
