#pragma once
// Small helpers of the settlement routes: path ids, the access rules, the caller's list scope,
// and the binding of a handler function to the service's context.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <huicai/core/app/context.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/router.hpp>
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
auth::AccessRule county_read_rule();   // finance, auditor, county officers (own county)
auth::AccessRule finance_read_rule();  // finance, auditor

// What a list may show the caller: every row (a role granted Scope::any on the route), or only
// one supplier's or one county's. Read from the principal, never from the request.
struct ListScope {
  std::optional<std::int64_t> supplier_id;
  std::optional<std::int64_t> county_id;
};
ListScope list_scope(const http::Request& request);

std::string today_china();  // YYYY-MM-DD in China's calendar

}  // namespace huicai::settlement
