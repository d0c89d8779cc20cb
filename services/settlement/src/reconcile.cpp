// Reconciliation queries. Each source is summed per supplier in one GROUP BY pass over its table
// (no per-order work unless something differs), so a full run costs a handful of scans.
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <huicai/core/mysql/pool.hpp>
#include <huicai/settlement/reconcile.hpp>
#include <map>
#include <memory>
#include <stdexcept>

namespace huicai::settlement {
namespace {

bool is_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) return false;
  }
  return true;
}

// The filter as SQL conditions. Values are checked dates and integers, written into the text
// (the statements run unprepared, so no statement cache grows per filter).
struct Conditions {
  std::string paid_lines;  // on ordering_settlement_lines (alias l)
  std::string orders;      // "order_id IN (...)" for a period, else "1 = 1"; prefix the column
  std::string suppliers;   // on a table with supplier_id and county_id (alias given)
};

std::string supplier_condition(const ReconcileFilter& filter, const std::string& alias) {
  std::string sql = "1 = 1";
  if (filter.supplier_id)
    sql += " AND " + alias + ".supplier_id = " + std::to_string(*filter.supplier_id);
  if (filter.county_id)
    sql += " AND " + alias + ".county_id = " + std::to_string(*filter.county_id);
  return sql;
}

std::string period_condition(const ReconcileFilter& filter, const std::string& column) {
  std::string sql = "1 = 1";
  if (filter.from) sql += " AND DATE(" + column + " + INTERVAL 8 HOUR) >= '" + *filter.from + "'";
  if (filter.to) sql += " AND DATE(" + column + " + INTERVAL 8 HOUR) < '" + *filter.to + "'";
  return sql;
}

// "<column> IN (orders paid in the period)", or "1 = 1" for all time.
std::string order_condition(const ReconcileFilter& filter, const std::string& column) {
  if (!filter.from && !filter.to) return "1 = 1";
  return column + " IN (SELECT DISTINCT order_id FROM ordering_settlement_lines WHERE " +
         period_condition(filter, "paid_at") + ")";
}

using Sums = std::map<std::int64_t, std::vector<std::int64_t>>;  // supplier -> columns

// Runs `sql` whose first column is supplier_id, second county_id, then `columns` sums.
void sum_into(mysql::Session& session, const std::string& sql, std::size_t first_column,
              std::size_t columns, std::map<std::int64_t, SupplierReconciliation>& out,
              const std::function<void(SupplierReconciliation&, std::size_t, std::int64_t)>& set) {
  std::unique_ptr<sql::Statement> statement(session.native().createStatement());
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(sql));
  while (rows->next()) {
    const std::int64_t supplier_id = rows->getInt64(1);
    auto& row = out[supplier_id];
    row.supplier_id = supplier_id;
    if (row.county_id == 0) row.county_id = rows->getInt64(2);
    for (std::size_t i = 0; i < columns; ++i) {
      set(row, first_column + i, rows->getInt64(static_cast<std::uint32_t>(3 + i)));
    }
  }
}

std::map<std::int64_t, std::int64_t> per_order(mysql::Session& session, const std::string& sql) {
  std::unique_ptr<sql::Statement> statement(session.native().createStatement());
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(sql));
  std::map<std::int64_t, std::int64_t> result;
  while (rows->next()) result[rows->getInt64(1)] = rows->getInt64(2);
  return result;
}

// Credit minus debit of an entry, as SQL.
constexpr const char* kCreditNet = "IF(e.side = 'C', e.amount_fen, -e.amount_fen)";

}  // namespace

Reconciliation reconcile(mysql::Session& session, const ReconcileFilter& filter,
                         const std::function<void(int, int)>& progress) {
  if ((filter.from && !is_date(*filter.from)) || (filter.to && !is_date(*filter.to))) {
    throw std::invalid_argument("dates are YYYY-MM-DD");
  }
  constexpr int kSteps = 6;
  auto step = [&](int done) {
    if (progress) progress(done, kSteps);
  };
  std::map<std::int64_t, SupplierReconciliation> suppliers;
  // 1. Ordering: paid lines less what was refunded of them.
  sum_into(session,
           "SELECT l.supplier_id, MIN(l.county_id), SUM(l.line_total_fen - l.refunded_fen) FROM "
           "ordering_settlement_lines l WHERE " +
               period_condition(filter, "l.paid_at") + " AND " + supplier_condition(filter, "l") +
               " GROUP BY l.supplier_id",
           0, 1, suppliers, [](SupplierReconciliation& row, std::size_t, std::int64_t value) {
             row.ordering_net_fen = value;
           });
  step(1);
  // 2. The ledger: aid postings on the supplier payables (acceptance moves between the two
  // payables and nets to zero here; payouts settle, they are not aid), and what is unaccepted.
  sum_into(session,
           std::string("SELECT e.supplier_id, MIN(e.county_id), SUM(IF(p.kind <> 'payout', ") +
               kCreditNet + ", 0)), SUM(IF(a.kind = 'payable_unaccepted', " + kCreditNet +
               ", 0)) FROM settlement_entries e JOIN settlement_postings p ON p.id = e.posting_id "
               "JOIN settlement_accounts a ON a.id = e.account_id WHERE a.kind IN "
               "('payable_unaccepted', 'payable_due') AND " +
               order_condition(filter, "p.order_id") + " AND " + supplier_condition(filter, "e") +
               " GROUP BY e.supplier_id",
           0, 2, suppliers,
           [](SupplierReconciliation& row, std::size_t column, std::int64_t value) {
             (column == 0 ? row.ledger_aid_fen : row.paid_unaccepted_fen) = value;
           });
  step(2);
  // 3. Statements.
  sum_into(session,
           "SELECT s.supplier_id, MIN(s.county_id), SUM(i.amount_fen) FROM "
           "settlement_statement_items i JOIN settlement_statements s ON s.id = i.statement_id "
           "WHERE " +
               order_condition(filter, "i.order_id") + " AND " + supplier_condition(filter, "s") +
               " GROUP BY s.supplier_id",
           0, 1, suppliers, [](SupplierReconciliation& row, std::size_t, std::int64_t value) {
             row.statements_fen = value;
           });
  step(3);
  // 4. Accepted, not in a statement yet: acceptances less refunds after acceptance.
  sum_into(session,
           "SELECT supplier_id, MIN(county_id), SUM(amount) FROM (SELECT f.supplier_id, "
           "f.county_id, f.accepted_fen AS amount FROM settlement_fulfilments f WHERE "
           "f.accepted_at IS NOT NULL AND f.accepted_fen > 0 AND NOT EXISTS (SELECT 1 FROM "
           "settlement_statement_items i WHERE i.item_kind = 'acceptance' AND i.source_id = "
           "f.fulfilment_id) AND " +
               order_condition(filter, "f.order_id") + " AND " + supplier_condition(filter, "f") +
               " UNION ALL SELECT r.supplier_id, r.county_id, -r.amount_fen FROM "
               "settlement_refunds r WHERE r.after_acceptance = 1 AND NOT EXISTS (SELECT 1 FROM "
               "settlement_statement_items i WHERE i.item_kind = 'refund' AND i.source_id = "
               "r.refund_id) AND " +
               order_condition(filter, "r.order_id") + " AND " + supplier_condition(filter, "r") +
               ") AS open_items GROUP BY supplier_id",
           0, 1, suppliers, [](SupplierReconciliation& row, std::size_t, std::int64_t value) {
             row.accepted_unsettled_fen = value;
           });
  step(4);
  // 5. The fund sources: what they paid less what came back to them, against the aid postings
  // of the same orders (all their suppliers: one order's funds pay several suppliers).
  Reconciliation result;
  {
    const std::string orders =
        order_condition(filter, "p.order_id") +
        (filter.supplier_id || filter.county_id
             ? " AND p.order_id IN (SELECT order_id FROM settlement_fulfilments f WHERE " +
                   supplier_condition(filter, "f") + ")"
             : std::string());
    std::unique_ptr<sql::Statement> statement(session.native().createStatement());
    std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(
        std::string("SELECT COALESCE(SUM(IF(a.kind IN ('fund_source', 'refund'), IF(e.side = "
                    "'D', e.amount_fen, -e.amount_fen), 0)), 0), COALESCE(SUM(IF(a.kind IN "
                    "('payable_unaccepted', 'payable_due') AND p.kind <> 'payout', ") +
        kCreditNet +
        ", 0)), 0) FROM settlement_entries e JOIN settlement_postings p ON p.id = e.posting_id "
        "JOIN settlement_accounts a ON a.id = e.account_id WHERE " +
        orders));
    rows->next();
    result.fund_sources_net_fen = rows->getInt64(1);
    result.orders_aid_fen = rows->getInt64(2);
  }
  step(5);
  // 6. Mismatches: which orders differ between ordering and the ledger.
  for (auto& [supplier_id, row] : suppliers) {
    result.ledger_aid_fen += row.ledger_aid_fen;
    if (row.matches()) continue;
    ++result.mismatches;
    const std::string supplier = std::to_string(supplier_id);
    auto ordering = per_order(session,
                              "SELECT l.order_id, SUM(l.line_total_fen - l.refunded_fen) FROM "
                              "ordering_settlement_lines l WHERE l.supplier_id = " +
                                  supplier + " AND " + period_condition(filter, "l.paid_at") +
                                  " GROUP BY l.order_id");
    auto ledger =
        per_order(session, std::string("SELECT p.order_id, SUM(") + kCreditNet +
                               ") FROM settlement_entries e JOIN settlement_postings p "
                               "ON p.id = e.posting_id JOIN settlement_accounts a ON "
                               "a.id = e.account_id WHERE e.supplier_id = " +
                               supplier +
                               " AND p.kind <> 'payout' AND a.kind IN "
                               "('payable_unaccepted', 'payable_due') AND " +
                               order_condition(filter, "p.order_id") + " GROUP BY p.order_id");
    for (const auto& [order_id, amount] : ordering) {
      auto it = ledger.find(order_id);
      if ((it == ledger.end() ? 0 : it->second) != amount) row.order_ids.push_back(order_id);
    }
    for (const auto& [order_id, amount] : ledger) {
      if (!ordering.contains(order_id) && amount != 0) row.order_ids.push_back(order_id);
    }
  }
  if (result.fund_sources_net_fen != result.orders_aid_fen) {
    ++result.mismatches;
  }
  for (auto& [supplier_id, row] : suppliers) result.suppliers.push_back(std::move(row));
  std::stable_sort(result.suppliers.begin(), result.suppliers.end(),
                   [](const auto& a, const auto& b) { return a.county_id < b.county_id; });
  step(6);
  return result;
}

}  // namespace huicai::settlement
