// Reconciliation queries. Each side is one aggregate statement that MariaDB groups itself:
// ordering's lines per supplier, the ledger's entries per account (one scan: supplier payables,
// payouts and fund sources at once), statement items per supplier and the items not in a
// statement yet per supplier. The sides are independent, so a caller with several connections
// runs them at once (`RunJobs`). Only the suppliers whose sums differ are looked at order by
// order, to list the ids involved.
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <huicai/core/mysql/pool.hpp>
#include <huicai/settlement/reconcile.hpp>
#include <map>
#include <memory>
#include <mutex>
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

// Filters as SQL conditions. Values are checked dates and integers, written into the text (the
// statements run unprepared, so no statement cache grows per filter).
std::string supplier_condition(const ReconcileFilter& filter, const std::string& alias) {
  std::string sql = "1 = 1";
  if (filter.supplier_id)
    sql += " AND " + alias + ".supplier_id = " + std::to_string(*filter.supplier_id);
  if (filter.county_id)
    sql += " AND " + alias + ".county_id = " + std::to_string(*filter.county_id);
  return sql;
}

bool has_period(const ReconcileFilter& filter) {
  return filter.from || filter.to;
}
bool has_suppliers(const ReconcileFilter& filter) {
  return filter.supplier_id || filter.county_id;
}

std::string period_condition(const ReconcileFilter& filter, const std::string& column) {
  std::string sql = "1 = 1";
  if (filter.from) sql += " AND DATE(" + column + " + INTERVAL 8 HOUR) >= '" + *filter.from + "'";
  if (filter.to) sql += " AND DATE(" + column + " + INTERVAL 8 HOUR) < '" + *filter.to + "'";
  return sql;
}

// "<column> IN (orders paid in the period)", or "1 = 1" for all time.
std::string order_condition(const ReconcileFilter& filter, const std::string& column) {
  if (!has_period(filter)) return "1 = 1";
  return column + " IN (SELECT DISTINCT order_id FROM ordering_settlement_lines WHERE " +
         period_condition(filter, "paid_at") + ")";
}

// Credit minus debit of an entry, as SQL.
constexpr const char* kCreditNet = "IF(e.side = 'C', e.amount_fen, -e.amount_fen)";

void each_row(mysql::Session& session, const std::string& sql,
              const std::function<void(sql::ResultSet&)>& row) {
  std::unique_ptr<sql::Statement> statement(session.native().createStatement());
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(sql));
  while (rows->next()) row(*rows);
}

// One side's sums: supplier -> (county, value).
struct SupplierSum {
  std::int64_t county_id = 0;
  std::int64_t fen = 0;
};
using SupplierSums = std::map<std::int64_t, SupplierSum>;

// Runs `sql` whose columns are supplier_id, county_id, one sum.
SupplierSums supplier_sums(mysql::Session& session, const std::string& sql) {
  SupplierSums sums;
  each_row(session, sql, [&](sql::ResultSet& row) {
    sums[row.getInt64(1)] = {row.getInt64(2), row.getInt64(3)};
  });
  return sums;
}

// The ledger's side: net credit per account, read in one GROUP BY over the entries (joined with
// their postings only when orders must be picked), then booked by account kind.
struct LedgerSums {
  std::map<std::int64_t, SupplierSum> aid;         // supplier payables and payouts
  std::map<std::int64_t, SupplierSum> unaccepted;  // payable_unaccepted alone
  std::int64_t fund_sources_net_fen = 0;           // fund sources and refunds: debit − credit
  std::int64_t orders_aid_fen = 0;                 // supplier accounts of the same entries
};

// Payouts move money from payable_due to the payout account: including the payout accounts
// nets them to zero, so aid is every supplier account's net credit with no posting kind read.
LedgerSums ledger_sums(mysql::Session& session, const std::string& entries_from_where) {
  LedgerSums sums;
  each_row(session,
           std::string("SELECT a.kind, COALESCE(a.supplier_id, 0), COALESCE(a.county_id, 0), "
                       "t.net FROM (SELECT e.account_id, SUM(") +
               kCreditNet + ") AS net " + entries_from_where +
               " GROUP BY e.account_id) AS t JOIN settlement_accounts a ON a.id = t.account_id",
           [&](sql::ResultSet& row) {
             const std::string kind = row.getString(1);
             const std::int64_t supplier_id = row.getInt64(2);
             const std::int64_t county_id = row.getInt64(3);
             const std::int64_t net = row.getInt64(4);
             if (kind == "fund_source" || kind == "refund") {
               sums.fund_sources_net_fen -= net;
               return;
             }
             sums.orders_aid_fen += net;
             auto& aid = sums.aid[supplier_id];
             aid.county_id = county_id;
             aid.fen += net;
             if (kind == "payable_unaccepted") sums.unaccepted[supplier_id] = {county_id, net};
           });
  return sums;
}

std::map<std::int64_t, std::int64_t> per_order(mysql::Session& session, const std::string& sql) {
  std::map<std::int64_t, std::int64_t> result;
  each_row(session, sql, [&](sql::ResultSet& row) { result[row.getInt64(1)] = row.getInt64(2); });
  return result;
}

// The orders of `supplier_id` whose paid-less-refunded amount differs between ordering and the
// ledger.
std::vector<std::int64_t> differing_orders(mysql::Session& session, const ReconcileFilter& filter,
                                           std::int64_t supplier_id) {
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
  std::vector<std::int64_t> ids;
  for (const auto& [order_id, amount] : ordering) {
    auto it = ledger.find(order_id);
    if ((it == ledger.end() ? 0 : it->second) != amount) ids.push_back(order_id);
  }
  for (const auto& [order_id, amount] : ledger) {
    if (!ordering.contains(order_id) && amount != 0) ids.push_back(order_id);
  }
  return ids;
}

}  // namespace

void run_in_turn(mysql::Session& session, const SessionJobs& jobs) {
  for (const auto& job : jobs) job(session);
}

Reconciliation reconcile(mysql::Session& session, const ReconcileFilter& filter,
                         const std::function<void(int, int)>& progress) {
  return reconcile([&](const SessionJobs& jobs) { run_in_turn(session, jobs); }, filter, progress);
}

Reconciliation reconcile(const RunJobs& run, const ReconcileFilter& filter,
                         const std::function<void(int, int)>& progress) {
  if ((filter.from && !is_date(*filter.from)) || (filter.to && !is_date(*filter.to))) {
    throw std::invalid_argument("dates are YYYY-MM-DD");
  }
  constexpr int kSteps = 5;
  std::mutex progress_mutex;
  int done = 0;
  auto step = [&] {
    std::lock_guard lock(progress_mutex);
    ++done;
    if (progress) progress(done, kSteps);
  };

  SupplierSums ordering, statements, unsettled;
  LedgerSums ledger, funds;
  SessionJobs sides;
  // 1. Ordering: paid lines less what was refunded of them.
  sides.push_back([&](mysql::Session& session) {
    ordering = supplier_sums(
        session,
        "SELECT l.supplier_id, MIN(l.county_id), SUM(l.line_total_fen - l.refunded_fen) FROM "
        "ordering_settlement_lines l WHERE " +
            period_condition(filter, "l.paid_at") + " AND " + supplier_condition(filter, "l") +
            " GROUP BY l.supplier_id");
    step();
  });
  // 2. The ledger: aid per supplier, and over the same orders the fund sources' net. All time
  // and all suppliers: one scan of the entries. A period picks entries by their posting's order;
  // a supplier or county filter reads the fund sources of that supplier's orders separately.
  sides.push_back([&](mysql::Session& session) {
    const std::string postings =
        has_period(filter) ? " JOIN settlement_postings p ON p.id = e.posting_id" : "";
    ledger = ledger_sums(session, "FROM settlement_entries e" + postings + " WHERE " +
                                      order_condition(filter, "p.order_id") + " AND " +
                                      supplier_condition(filter, "e"));
    if (has_suppliers(filter)) {
      funds = ledger_sums(session,
                          "FROM settlement_entries e JOIN settlement_postings p ON p.id = "
                          "e.posting_id WHERE " +
                              order_condition(filter, "p.order_id") +
                              " AND p.order_id IN (SELECT order_id FROM settlement_fulfilments "
                              "f WHERE " +
                              supplier_condition(filter, "f") + ")");
    }
    step();
  });
  // 3. Statements.
  sides.push_back([&](mysql::Session& session) {
    statements = supplier_sums(
        session,
        "SELECT s.supplier_id, MIN(s.county_id), SUM(i.amount_fen) FROM "
        "settlement_statement_items i JOIN settlement_statements s ON s.id = i.statement_id "
        "WHERE " +
            order_condition(filter, "i.order_id") + " AND " + supplier_condition(filter, "s") +
            " GROUP BY s.supplier_id");
    step();
  });
  // 4. Accepted, not in a statement yet: acceptances less refunds after acceptance, each an
  // anti-join on the items' unique (item_kind, source_id) (a probe per row; as NOT EXISTS,
  // MariaDB would materialise every item first).
  sides.push_back([&](mysql::Session& session) {
    unsettled = supplier_sums(
        session,
        "SELECT f.supplier_id, MIN(f.county_id), SUM(f.accepted_fen) FROM "
        "settlement_fulfilments f LEFT JOIN settlement_statement_items i ON i.item_kind = "
        "'acceptance' AND i.source_id = f.fulfilment_id WHERE i.id IS NULL AND f.accepted_at IS "
        "NOT NULL AND f.accepted_fen > 0 AND " +
            order_condition(filter, "f.order_id") + " AND " + supplier_condition(filter, "f") +
            " GROUP BY f.supplier_id");
    const auto refunds = supplier_sums(
        session,
        "SELECT r.supplier_id, MIN(r.county_id), SUM(r.amount_fen) FROM settlement_refunds r "
        "LEFT JOIN settlement_statement_items i ON i.item_kind = 'refund' AND i.source_id = "
        "r.refund_id WHERE i.id IS NULL AND r.after_acceptance = 1 AND " +
            order_condition(filter, "r.order_id") + " AND " + supplier_condition(filter, "r") +
            " GROUP BY r.supplier_id");
    for (const auto& [supplier_id, refund] : refunds) {
      auto& sum = unsettled[supplier_id];
      if (sum.county_id == 0) sum.county_id = refund.county_id;
      sum.fen -= refund.fen;
    }
    step();
  });
  run(sides);

  std::map<std::int64_t, SupplierReconciliation> suppliers;
  auto row_of = [&](std::int64_t supplier_id, const SupplierSum& sum) -> SupplierReconciliation& {
    auto& row = suppliers[supplier_id];
    row.supplier_id = supplier_id;
    if (row.county_id == 0) row.county_id = sum.county_id;
    return row;
  };
  for (const auto& [id, sum] : ordering) row_of(id, sum).ordering_net_fen = sum.fen;
  for (const auto& [id, sum] : ledger.aid) row_of(id, sum).ledger_aid_fen = sum.fen;
  for (const auto& [id, sum] : ledger.unaccepted) row_of(id, sum).paid_unaccepted_fen = sum.fen;
  for (const auto& [id, sum] : statements) row_of(id, sum).statements_fen = sum.fen;
  for (const auto& [id, sum] : unsettled) row_of(id, sum).accepted_unsettled_fen = sum.fen;

  Reconciliation result;
  const LedgerSums& orders = has_suppliers(filter) ? funds : ledger;
  result.fund_sources_net_fen = orders.fund_sources_net_fen;
  result.orders_aid_fen = orders.orders_aid_fen;
  if (result.fund_sources_net_fen != result.orders_aid_fen) ++result.mismatches;

  // 5. Mismatches: which orders differ between ordering and the ledger.
  SessionJobs details;
  for (auto& [supplier_id, row] : suppliers) {
    result.ledger_aid_fen += row.ledger_aid_fen;
    if (row.matches()) continue;
    ++result.mismatches;
    details.push_back([&filter, &row](mysql::Session& session) {
      row.order_ids = differing_orders(session, filter, row.supplier_id);
    });
  }
  if (!details.empty()) run(details);
  step();
  for (auto& [supplier_id, row] : suppliers) result.suppliers.push_back(std::move(row));
  std::stable_sort(result.suppliers.begin(), result.suppliers.end(),
                   [](const auto& a, const auto& b) { return a.county_id < b.county_id; });
  return result;
}

}  // namespace huicai::settlement
