// Finance's reports: the payment-due clock, the per-county summary, reconciliation (JSON and
// CSV) and the statement export (CSV). Lists are narrowed to the caller's county or supplier.
#include <boost/json/serialize.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/validation.hpp>
#include <huicai/settlement/csv.hpp>
#include <huicai/settlement/reconcile.hpp>

#include "http_support.hpp"
#include "routes.hpp"
#include "statements.hpp"

namespace huicai::settlement {
namespace {

using http::Method;
using Awaitable = boost::asio::awaitable<http::Response>;

http::Response csv_response(const std::string& body, const std::string& filename) {
  http::Response response;
  response.status = 200;
  response.body = body;
  response.set_header("content-type", "text/csv; charset=utf-8");
  response.set_header("content-disposition", "attachment; filename=\"" + filename + "\"");
  return response;
}

ReconcileFilter filter_from(const http::Request& request) {
  ReconcileFilter filter;
  filter.from = request.query_param("from");
  filter.to = request.query_param("to");
  filter.county_id = query_id(request, "county_id");
  filter.supplier_id = query_id(request, "supplier_id");
  Validator check;
  for (const auto& [name, value] : {std::pair{"from", filter.from}, std::pair{"to", filter.to}}) {
    if (!value) continue;
    bool date = value->size() == 10 && (*value)[4] == '-' && (*value)[7] == '-';
    for (std::size_t i = 0; date && i < value->size(); ++i) {
      if (i != 4 && i != 7 && ((*value)[i] < '0' || (*value)[i] > '9')) date = false;
    }
    check.require(date, name, "YYYY-MM-DD");
  }
  check.throw_if_any();
  return filter;
}

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
  auto result = co_await context.db().run(
      [&](mysql::Session& session) { return reconcile(session, filter); });
  co_return http::Response::json(200, reconciliation_json(result));
}

Awaitable reconciliation_csv_route(app::Context& context, http::Request& request) {
  const auto filter = filter_from(request);
  auto result = co_await context.db().run(
      [&](mysql::Session& session) { return reconcile(session, filter); });
  CsvWriter csv;
  csv.text("县 county_id").text("供应商 supplier_id");
  for (const char* name :
       {"订单实付减退款 ordering net", "账簿帮扶 ledger aid", "结算单 statements",
        "已验收未结算 accepted unsettled", "已付未验收 paid unaccepted"}) {
    csv.text(std::string(name) + " 元").text(std::string(name) + " fen");
  }
  csv.text("结果 result").end_row();
  SupplierReconciliation total;
  for (const auto& row : result.suppliers) {
    csv.number(row.county_id).number(row.supplier_id);
    csv.money(row.ordering_net_fen).money(row.ledger_aid_fen).money(row.statements_fen);
    csv.money(row.accepted_unsettled_fen).money(row.paid_unaccepted_fen);
    std::string outcome = row.matches() ? "ok" : "MISMATCH orders";
    for (auto id : row.order_ids) outcome += " " + std::to_string(id);
    csv.text(outcome).end_row();
    total.ordering_net_fen += row.ordering_net_fen;
    total.ledger_aid_fen += row.ledger_aid_fen;
    total.statements_fen += row.statements_fen;
    total.accepted_unsettled_fen += row.accepted_unsettled_fen;
    total.paid_unaccepted_fen += row.paid_unaccepted_fen;
  }
  csv.text("合计 total").text("");
  csv.money(total.ordering_net_fen).money(total.ledger_aid_fen).money(total.statements_fen);
  csv.money(total.accepted_unsettled_fen).money(total.paid_unaccepted_fen);
  csv.text(result.ok() ? "ok" : "MISMATCH").end_row();
  co_return csv_response(csv.data(), "reconciliation.csv");
}

Awaitable statement_csv_route(app::Context& context, http::Request& request) {
  const auto statement_id = path_id(request, "statement_id");
  auto statement = co_await context.db().run([&](mysql::Session& session) {
    auto row = load_statement(session, statement_id, false);
    auth::Owner owner;
    owner.supplier_id = static_cast<std::uint64_t>(row.supplier_id);
    owner.county_id = static_cast<std::uint64_t>(row.county_id);
    request.require_access(owner, true);
    return statement_json(session, statement_id);
  });
  CsvWriter csv;
  csv.text("结算单 statement").number(statement.at("id").as_int64());
  csv.text("供应商 supplier_id").number(statement.at("supplier_id").as_int64());
  csv.text("县 county_id").number(statement.at("county_id").as_int64());
  csv.text("期间 period").text(statement.at("period_start").as_string());
  csv.text(statement.at("period_end").as_string());
  csv.text("状态 status").text(statement.at("status").as_string()).end_row();
  csv.text("类型 kind").text("订单 order_id").text("履约 fulfilment_id");
  csv.text("金额 元").text("金额 fen").text("付款期限 due_date").end_row();
  std::int64_t total = 0;
  for (const auto& value : statement.at("items").as_array()) {
    const auto& item = value.as_object();
    const auto amount = item.at("amount_fen").as_int64();
    csv.text(item.at("kind").as_string() == "acceptance" ? "验收 acceptance" : "退款 refund");
    csv.number(item.at("order_id").as_int64()).number(item.at("fulfilment_id").as_int64());
    csv.money(amount);
    csv.text(item.at("due_date").is_string() ? std::string(item.at("due_date").as_string()) : "");
    csv.end_row();
    total += amount;
  }
  csv.text("合计 total").text("").text("").money(total).text("").end_row();
  co_return csv_response(csv.data(), "statement-" + std::to_string(statement_id) + ".csv");
}

// The payment-due clock: unpaid statements and accepted fulfilments not yet in a statement whose
// due date (acceptance + HUICAI_PAYMENT_DUE_DAYS) is past or within
// HUICAI_PAYMENT_DUE_SOON_DAYS, earliest first, with a per-county count.
Awaitable due_route(app::Context& context, http::Request& request) {
  auto scope = list_scope(request);
  auto county = scope.county_id ? scope.county_id : query_id(request, "county_id");
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
        "DATEDIFF(f.due_date, ?) FROM settlement_fulfilments f WHERE f.due_date <= ? + INTERVAL "
        "? DAY AND f.accepted_fen > 0 AND (? IS NULL OR f.county_id = ?) AND NOT EXISTS (SELECT "
        "1 FROM settlement_statement_items i WHERE i.item_kind = 'acceptance' AND i.source_id = "
        "f.fulfilment_id) ORDER BY due_date, id LIMIT 500");
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
  auto scope = list_scope(request);
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
    mysql::bind(select, period.start, scope.county_id, scope.county_id);
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
  route(Method::get, "/v1/settlement/reconciliation/export.csv", finance_read_rule(),
        &reconciliation_csv_route);
  route(Method::get, "/v1/settlement/statements/{statement_id}/export.csv", statement_read_rule(),
        &statement_csv_route);
}

}  // namespace huicai::settlement
