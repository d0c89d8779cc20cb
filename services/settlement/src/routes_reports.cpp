// Finance's reports: the payment-due clock, the per-county summary and reconciliation (the
// exports are in routes_exports.cpp). Lists are narrowed to the caller's county or supplier.
#include <boost/json/serialize.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/validation.hpp>
#include <huicai/settlement/reconcile.hpp>
#include <huicai/settlement/statements.hpp>

#include "http_support.hpp"
#include "parallel_jobs.hpp"
#include "routes.hpp"

namespace huicai::settlement {
namespace {

using http::Method;
using Awaitable = boost::asio::awaitable<http::Response>;

boost::json::object reconciliation_json(const Reconciliation& result) {
  boost::json::array suppliers;
  for (const auto& row : result.suppliers) {
    boost::json::array orders;
    for (auto id : row.order_ids) orders.push_back(id);
    suppliers.push_back({{"county_id", row.county_id},
                         {"supplier_id", row.supplier_id},
                         {"ordering_net_fen", row.ordering_net_fen},
                         {"ledger_aid_fen", row.ledger_aid_fen},
                         {"statements_fen", row.statements_fen},
                         {"accepted_unsettled_fen", row.accepted_unsettled_fen},
                         {"paid_unaccepted_fen", row.paid_unaccepted_fen},
                         {"matches", row.matches()},
                         {"order_ids", orders}});
  }
  return {{"ok", result.ok()},
          {"mismatches", result.mismatches},
          {"ledger_aid_fen", result.ledger_aid_fen},
          {"fund_sources_net_fen", result.fund_sources_net_fen},
          {"orders_aid_fen", result.orders_aid_fen},
          {"suppliers", suppliers}};
}

Awaitable reconciliation_route(app::Context& context, http::Request& request) {
  const auto filter = filter_from(request);
  // The sides at once on separate connections, as the command runs them.
  Reconciler reconciler(filter);
  co_await co_run_at_once(context.db(), kReconcileConnections, reconciler.sides());
  co_await co_run_at_once(context.db(), kReconcileConnections, reconciler.mismatch_details());
  const auto result = reconciler.result();
  co_return http::Response::json(200, reconciliation_json(result));
}

// The payment-due clock: unpaid statements and accepted fulfilments not yet in a statement whose
// due date (acceptance + HUICAI_PAYMENT_DUE_DAYS) is past or within
// HUICAI_PAYMENT_DUE_SOON_DAYS, earliest first, with a per-county count.
Awaitable due_route(app::Context& context, http::Request& request) {
  const auto scope = request.list_scope();
  auto county = scope.county_id() ? scope.county_id() : query_id(request, "county_id");
  const std::string today = today_china();
  const auto soon = static_cast<int>(context.config().payment_due_soon.count());
  auto answer = co_await context.db().run([&](mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT 'statement' AS kind, id, supplier_id, county_id, amount_fen, status, "
        "DATE_FORMAT(earliest_due_date, '%Y-%m-%d') AS due_date, DATEDIFF(earliest_due_date, ?) "
        "AS days_left FROM settlement_statements WHERE status <> 'paid' AND earliest_due_date <= "
        "? + INTERVAL ? DAY AND (? IS NULL OR county_id = ?) "
        "UNION ALL SELECT 'fulfilment', f.fulfilment_id, f.supplier_id, f.county_id, "
        "f.accepted_fen, 'not_in_statement', DATE_FORMAT(f.due_date, '%Y-%m-%d'), "
        "DATEDIFF(f.due_date, ?) FROM settlement_fulfilments f LEFT JOIN " +
        held_regions_sql() +
        " h ON h.supplier_id = f.supplier_id WHERE f.due_date <= ? + INTERVAL ? DAY AND "
        "f.accepted_fen > 0 AND (? IS NULL OR f.county_id = ?) AND NOT COALESCE(f.accepted_at < "
        "h.held_before AND f.accepted_seq <= h.held_cutoff, FALSE) ORDER BY due_date, id LIMIT "
        "500");
    mysql::bind(select, today, today, soon, county, county, today, today, soon, county, county);
    auto rows = mysql::query(select);
    boost::json::array items;
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> per_county;  // overdue, soon
    while (rows->next()) {
      const auto days_left = rows->getInt64("days_left");
      const auto county_id = rows->getInt64("county_id");
      (days_left < 0 ? per_county[county_id].first : per_county[county_id].second) += 1;
      items.push_back({{"kind", mysql::get_string(*rows, "kind")},
                       {"id", rows->getInt64("id")},
                       {"supplier_id", rows->getInt64("supplier_id")},
                       {"county_id", county_id},
                       {"amount_fen", rows->getInt64("amount_fen")},
                       {"status", mysql::get_string(*rows, "status")},
                       {"due_date", mysql::get_string(*rows, "due_date")},
                       {"days_left", days_left},
                       {"state", days_left < 0 ? "overdue" : "due_soon"}});
    }
    boost::json::array counties;
    for (const auto& [county_id, counts] : per_county) {
      counties.push_back(
          {{"county_id", county_id}, {"overdue", counts.first}, {"due_soon", counts.second}});
    }
    return boost::json::object{{"today", today}, {"items", items}, {"counties", counties}};
  });
  co_return http::Response::json(200, answer);
}

// Statements of a period grouped by county: how many, how much, in which state.
Awaitable counties_route(app::Context& context, http::Request& request) {
  const auto scope = request.list_scope();
  const auto period = period_from(request.query_param("period_start").value_or(""),
                                  context.config().statement_period_months);
  auto answer = co_await context.db().run([&](mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT county_id, COUNT(*) AS statements, SUM(amount_fen) AS amount, "
        "SUM(IF(status = 'paid', amount_fen, 0)) AS paid, SUM(IF(status = 'approved', "
        "amount_fen, 0)) AS approved, SUM(IF(status IN ('draft', 'confirmed'), amount_fen, 0)) "
        "AS open_amount, COUNT(DISTINCT supplier_id) AS suppliers FROM settlement_statements "
        "WHERE period_start = ? AND (? IS NULL OR county_id = ?) GROUP BY county_id ORDER BY "
        "county_id");
    mysql::bind(select, period.start, scope.county_id(), scope.county_id());
    auto rows = mysql::query(select);
    boost::json::array counties;
    while (rows->next()) {
      counties.push_back({{"county_id", rows->getInt64("county_id")},
                          {"suppliers", rows->getInt64("suppliers")},
                          {"statements", rows->getInt64("statements")},
                          {"amount_fen", rows->getInt64("amount")},
                          {"paid_fen", rows->getInt64("paid")},
                          {"approved_fen", rows->getInt64("approved")},
                          {"open_fen", rows->getInt64("open_amount")}});
    }
    return boost::json::object{
        {"period_start", period.start}, {"period_end", period.end}, {"counties", counties}};
  });
  co_return http::Response::json(200, answer);
}

}  // namespace

void add_report_routes(http::Router& router, app::Context& context) {
  auto route = [&](Method method, std::string pattern, auth::AccessRule rule, RouteHandler f) {
    router.add(http::Route{
        method, std::move(pattern), "settlement", std::move(rule), bind_handler(context, f), {}});
  };
  route(Method::get, "/v1/settlement/due", county_read_rule(), &due_route);
  route(Method::get, "/v1/settlement/counties", county_read_rule(), &counties_route);
  route(Method::get, "/v1/settlement/reconciliation", finance_read_rule(), &reconciliation_route);
}

}  // namespace huicai::settlement
