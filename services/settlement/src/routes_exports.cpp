// Finance's exports, each as CSV and as XLSX from the same rows: a statement, the per-county
// summary of a period, the ledger detail and the reconciliation. Rows are read in keyset pages
// and written to the export's temporary file as they come, amounts as 元 plus the exact fen,
// ending with a totals row.
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/settlement/reconcile.hpp>
#include <huicai/settlement/statements.hpp>
#include <huicai/settlement/table_export.hpp>

#include "http_support.hpp"
#include "routes.hpp"

namespace huicai::settlement {
namespace {

using http::Method;
using Awaitable = boost::asio::awaitable<http::Response>;

constexpr int kPageRows = 5000;  // rows per keyset page: bounded memory whatever the export's size

http::Response statement_export(mysql::Session& session, const http::Request& request,
                                std::int64_t statement_id, ExportFormat format) {
  const auto row = load_statement(session, statement_id, false);
  auth::Owner owner;
  owner.supplier_id = static_cast<std::uint64_t>(row.supplier_id);
  owner.county_id = static_cast<std::uint64_t>(row.county_id);
  request.require_access(owner, true);
  auto& period = session.prepare(
      "SELECT DATE_FORMAT(period_start, '%Y-%m-%d') AS period_start, DATE_FORMAT(period_end, "
      "'%Y-%m-%d') AS period_end FROM settlement_statements WHERE id = ?");
  mysql::bind(period, statement_id);
  auto period_row = mysql::query(period);
  period_row->next();
  auto out = table_export(format, "结算单 statement");
  out->text("结算单 statement").number(row.id);
  out->text("供应商 supplier_id").number(row.supplier_id);
  out->text("县 county_id").number(row.county_id);
  out->text("期间 period").text(mysql::get_string(*period_row, "period_start"));
  out->text(mysql::get_string(*period_row, "period_end"));
  out->text("状态 status").text(row.status).end_row();
  out->text("类型 kind").text("订单 order_id").text("履约 fulfilment_id");
  out->text("金额 元").text("金额 fen").text("付款期限 due_date").end_row();
  std::int64_t total = 0, after = 0;
  for (;;) {
    auto items = query_statement_items(
        session, statement_id,
        "id, item_kind, order_id, fulfilment_id, amount_fen, "
        "COALESCE(DATE_FORMAT(due_date, '%Y-%m-%d'), '') AS due_date",
        "AND id > " + std::to_string(after) + " ORDER BY id LIMIT " + std::to_string(kPageRows));
    int rows = 0;
    while (items->next()) {
      ++rows;
      after = items->getInt64("id");
      const auto amount = items->getInt64("amount_fen");
      out->text(mysql::get_string(*items, "item_kind") == "acceptance" ? "验收 acceptance"
                                                                       : "退款 refund");
      out->number(items->getInt64("order_id")).number(items->getInt64("fulfilment_id"));
      out->money(amount).text(mysql::get_string(*items, "due_date")).end_row();
      total += amount;
    }
    if (rows < kPageRows) break;
  }
  out->text("合计 total").text("").text("").money(total).text("").end_row();
  return out->finish("statement-" + std::to_string(statement_id));
}

http::Response counties_export(mysql::Session& session, const Period& period,
                               std::optional<std::int64_t> county_id, ExportFormat format) {
  auto& select = session.prepare(
      "SELECT county_id, COUNT(DISTINCT supplier_id) AS suppliers, COUNT(*) AS statements, "
      "SUM(amount_fen) AS amount, SUM(IF(status = 'paid', amount_fen, 0)) AS paid, "
      "SUM(IF(status = 'approved', amount_fen, 0)) AS approved, SUM(IF(status IN ('draft', "
      "'confirmed'), amount_fen, 0)) AS open_amount FROM settlement_statements WHERE "
      "period_start = ? AND (? IS NULL OR county_id = ?) GROUP BY county_id ORDER BY county_id");
  mysql::bind(select, period.start, county_id, county_id);
  auto rows = mysql::query(select);
  auto out = table_export(format, "县汇总 counties");
  out->text("期间 period").text(period.start).text(period.end).end_row();
  out->text("县 county_id").text("供应商数 suppliers").text("结算单数 statements");
  for (const char* name : {"结算金额 amount", "已付 paid", "已审批 approved", "未审批 open"}) {
    out->text(std::string(name) + " 元").text(std::string(name) + " fen");
  }
  out->end_row();
  std::int64_t statements = 0, amount = 0, paid = 0, approved = 0, open = 0;
  while (rows->next()) {
    out->number(rows->getInt64("county_id")).number(rows->getInt64("suppliers"));
    out->number(rows->getInt64("statements"));
    out->money(rows->getInt64("amount")).money(rows->getInt64("paid"));
    out->money(rows->getInt64("approved")).money(rows->getInt64("open_amount")).end_row();
    statements += rows->getInt64("statements");
    amount += rows->getInt64("amount");
    paid += rows->getInt64("paid");
    approved += rows->getInt64("approved");
    open += rows->getInt64("open_amount");
  }
  out->text("合计 total").text("").number(statements);
  out->money(amount).money(paid).money(approved).money(open).end_row();
  return out->finish("counties-" + period.start);
}

// Every ledger entry of the postings that occurred in the filter's days (China's calendar),
// optionally of one county or supplier: one row per entry, debits and credits in their own
// columns, so the totals row shows that the ledger balances.
http::Response ledger_export(mysql::Session& session, const ReconcileFilter& filter,
                             ExportFormat format) {
  auto out = table_export(format, "账簿明细 ledger");
  out->text("分录 entry_id").text("记账 posting_id").text("类型 kind").text("发生 occurred_at");
  out->text("订单 order_id").text("科目 account").text("县 county_id").text("供应商 supplier_id");
  out->text("借方 debit 元").text("借方 debit fen").text("贷方 credit 元").text("贷方 credit fen");
  out->end_row();
  const std::string from = filter.from.value_or("");
  const std::string to = filter.to.value_or("");
  std::int64_t debits = 0, credits = 0, after = 0;
  for (;;) {
    auto& select = session.prepare(
        "SELECT e.id, e.posting_id, p.kind, DATE_FORMAT(p.occurred_at + INTERVAL 8 HOUR, "
        "'%Y-%m-%d %H:%i:%s') AS occurred, COALESCE(p.order_id, 0) AS order_id, a.code, "
        "COALESCE(e.county_id, 0) AS county_id, COALESCE(e.supplier_id, 0) AS supplier_id, "
        "e.side, e.amount_fen FROM settlement_entries e JOIN settlement_postings p ON p.id = "
        "e.posting_id JOIN settlement_accounts a ON a.id = e.account_id WHERE e.id > ? AND (? = "
        "'' OR p.occurred_at >= TIMESTAMP(?) - INTERVAL 8 HOUR) AND (? = '' OR p.occurred_at < "
        "TIMESTAMP(?) - INTERVAL 8 HOUR) AND (? IS NULL OR e.county_id = ?) AND (? IS NULL OR "
        "e.supplier_id = ?) ORDER BY e.id LIMIT ?");
    mysql::bind(select, after, from, from, to, to, filter.county_id, filter.county_id,
                filter.supplier_id, filter.supplier_id, kPageRows);
    auto rows = mysql::query(select);
    int count = 0;
    while (rows->next()) {
      ++count;
      after = rows->getInt64("id");
      const auto amount = rows->getInt64("amount_fen");
      const bool debit = mysql::get_string(*rows, "side") == "D";
      out->number(after).number(rows->getInt64("posting_id"));
      out->text(mysql::get_string(*rows, "kind")).text(mysql::get_string(*rows, "occurred"));
      out->number(rows->getInt64("order_id")).text(mysql::get_string(*rows, "code"));
      out->number(rows->getInt64("county_id")).number(rows->getInt64("supplier_id"));
      out->money(debit ? amount : 0).money(debit ? 0 : amount).end_row();
      (debit ? debits : credits) += amount;
    }
    if (count < kPageRows) break;
  }
  out->text("合计 total").text("").text("").text("").text("").text("").text("").text("");
  out->money(debits).money(credits).end_row();
  return out->finish("ledger");
}

http::Response reconciliation_export(const Reconciliation& result, ExportFormat format) {
  auto out = table_export(format, "对账 reconciliation");
  out->text("县 county_id").text("供应商 supplier_id");
  for (const char* name :
       {"订单实付减退款 ordering net", "账簿帮扶 ledger aid", "结算单 statements",
        "已验收未结算 accepted unsettled", "已付未验收 paid unaccepted"}) {
    out->text(std::string(name) + " 元").text(std::string(name) + " fen");
  }
  out->text("结果 result").end_row();
  SupplierReconciliation total;
  for (const auto& row : result.suppliers) {
    out->number(row.county_id).number(row.supplier_id);
    out->money(row.ordering_net_fen).money(row.ledger_aid_fen).money(row.statements_fen);
    out->money(row.accepted_unsettled_fen).money(row.paid_unaccepted_fen);
    std::string outcome = row.matches() ? "ok" : "MISMATCH orders";
    for (auto id : row.order_ids) outcome += " " + std::to_string(id);
    out->text(outcome).end_row();
    total.ordering_net_fen += row.ordering_net_fen;
    total.ledger_aid_fen += row.ledger_aid_fen;
    total.statements_fen += row.statements_fen;
    total.accepted_unsettled_fen += row.accepted_unsettled_fen;
    total.paid_unaccepted_fen += row.paid_unaccepted_fen;
  }
  out->text("合计 total").text("");
  out->money(total.ordering_net_fen).money(total.ledger_aid_fen).money(total.statements_fen);
  out->money(total.accepted_unsettled_fen).money(total.paid_unaccepted_fen);
  out->text(result.ok() ? "ok" : "MISMATCH").end_row();
  return out->finish("reconciliation");
}

// What each export reads from its request (checked on the pooled session, before any row is
// read: a bad id or date answers 4xx and writes nothing), then its rows.
http::Response statement_rows(mysql::Session& session, const app::Context&,
                              const http::Request& request, ExportFormat format) {
  return statement_export(session, request, path_id(request, "statement_id"), format);
}

http::Response county_rows(mysql::Session& session, const app::Context& context,
                           const http::Request& request, ExportFormat format) {
  const auto scope = request.list_scope();
  const auto county = scope.county_id() ? scope.county_id() : query_id(request, "county_id");
  const auto period = period_from(request.query_param("period_start").value_or(""),
                                  context.config().statement_period_months);
  return counties_export(session, period, county, format);
}

http::Response ledger_rows(mysql::Session& session, const app::Context&,
                           const http::Request& request, ExportFormat format) {
  return ledger_export(session, filter_from(request), format);
}

http::Response reconciliation_rows(mysql::Session& session, const app::Context&,
                                   const http::Request& request, ExportFormat format) {
  return reconciliation_export(reconcile(session, filter_from(request)), format);
}

// One export route: its path and format, who may read it, and its rows; the one handler below
// serves them all.
struct Export {
  const char* path;
  ExportFormat format;
  auth::AccessRule (*rule)();
  http::Response (*rows)(mysql::Session&, const app::Context&, const http::Request&, ExportFormat);
};

using enum ExportFormat;
constexpr Export kExports[] = {
    {"/v1/settlement/statements/{statement_id}/export.csv", csv, &statement_read_rule,
     &statement_rows},
    {"/v1/settlement/statements/{statement_id}/export.xlsx", xlsx, &statement_read_rule,
     &statement_rows},
    {"/v1/settlement/counties/export.csv", csv, &county_read_rule, &county_rows},
    {"/v1/settlement/counties/export.xlsx", xlsx, &county_read_rule, &county_rows},
    {"/v1/settlement/ledger/export.csv", csv, &finance_read_rule, &ledger_rows},
    {"/v1/settlement/ledger/export.xlsx", xlsx, &finance_read_rule, &ledger_rows},
    {"/v1/settlement/reconciliation/export.csv", csv, &finance_read_rule, &reconciliation_rows},
    {"/v1/settlement/reconciliation/export.xlsx", xlsx, &finance_read_rule, &reconciliation_rows},
};

Awaitable export_route(app::Context& context, http::Request& request, const Export& table) {
  co_return co_await context.db().run(
      [&](mysql::Session& session) { return table.rows(session, context, request, table.format); });
}

}  // namespace

void add_export_routes(http::Router& router, app::Context& context) {
  for (const Export& table : kExports) {
    router.add(http::Route{Method::get,
                           table.path,
                           "settlement",
                           table.rule(),
                           [&context, &table](http::Request& request) {
                             return export_route(context, request, table);
                           },
                           {}});
  }
}

}  // namespace huicai::settlement
