// Reconciliation queries. Each side is one aggregate statement that MariaDB groups itself:
// ordering's lines per supplier, the ledger's entries per account (one scan: supplier payables,
// payouts and fund sources at once), and the acceptances and refunds per supplier, each split
// into what the supplier's statements hold and what none holds yet. The sides are independent, so a
// caller with several connections runs them at once (`RunJobs`). Only the suppliers whose sums
// differ are looked at order by order, to list the ids involved.
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <huicai/core/mysql/pool.hpp>
#include <huicai/settlement/reconcile.hpp>
#include <huicai/settlement/statements.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

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

// A settlement side split in two per supplier: what the supplier's statements hold and what
// none holds yet. Runs `sql` whose columns are supplier_id, county_id, held, not held.
struct SplitSum {
  std::int64_t county_id = 0;
  std::int64_t held_fen = 0;
  std::int64_t open_fen = 0;
};
using SplitSums = std::map<std::int64_t, SplitSum>;

SplitSums split_sums(mysql::Session& session, const std::string& sql) {
  SplitSums sums;
  each_row(session, sql, [&](sql::ResultSet& row) {
    sums[row.getInt64(1)] = {row.getInt64(2), row.getInt64(3), row.getInt64(4)};
  });
  return sums;
}

// `amount` of the rows of `table` (alias a) meeting `where`, per supplier, split by whether the
// row (time `at`, recording order `seq`) lies in the supplier's held region.
std::string split_sql(const std::string& amount, const std::string& table, const std::string& at,
                      const std::string& seq, const std::string& where) {
  const std::string held = "(" + at + " < h.held_before AND " + seq + " <= h.held_cutoff)";
  return "SELECT a.supplier_id, MIN(a.county_id), COALESCE(SUM(IF(" + held + ", " + amount +
         ", 0)), 0), COALESCE(SUM(IF(" + held + ", 0, " + amount + ")), 0) FROM " + table +
         " a LEFT JOIN " + held_regions_sql() + " h ON h.supplier_id = a.supplier_id WHERE " +
         where + " GROUP BY a.supplier_id";
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
// The accounts' kinds, suppliers and counties, read apart from the entries (a small table).
struct Account {
  std::string kind;
  std::int64_t supplier_id = 0, county_id = 0;
};
std::map<std::int64_t, Account> accounts(mysql::Session& session) {
  std::map<std::int64_t, Account> result;
  each_row(session,
           "SELECT id, kind, COALESCE(supplier_id, 0), COALESCE(county_id, 0) FROM "
           "settlement_accounts",
           [&](sql::ResultSet& row) {
             result[row.getInt64(1)] = {row.getString(2), row.getInt64(3), row.getInt64(4)};
           });
  return result;
}

// The entries are grouped by account and side alone, in the order of the covering index
// (account_id, side, amount_fen): no expression per entry, no temporary table. Joined with the
// accounts in SQL, MariaDB grouped through a temporary table and took about twice as long
// (EXPLAIN: "Using temporary; Using filesort"); the accounts are joined here instead.
LedgerSums ledger_sums(mysql::Session& session, const std::string& entries_from_where) {
  struct Total {
    std::int64_t account_id = 0, net = 0;
  };
  std::vector<Total> totals;
  each_row(session,
           "SELECT e.account_id, e.side, SUM(e.amount_fen) " + entries_from_where +
               " GROUP BY e.account_id, e.side",
           [&](sql::ResultSet& row) {
             const std::int64_t total = row.getInt64(3);
             totals.push_back({row.getInt64(1), row.getString(2) == "C" ? total : -total});
           });
  // After the entries: every account an entry read names was committed before it.
  const auto account_of = accounts(session);
  LedgerSums sums;
  for (const auto& [account_id, net] : totals) {
    const auto found = account_of.find(account_id);
    if (found == account_of.end()) {
      throw std::runtime_error("ledger entry of unknown account " + std::to_string(account_id));
    }
    const Account& account = found->second;
    if (account.kind == "fund_source" || account.kind == "refund") {
      sums.fund_sources_net_fen -= net;
      continue;
    }
    sums.orders_aid_fen += net;
    auto& aid = sums.aid[account.supplier_id];
    aid.county_id = account.county_id;
    aid.fen += net;
    if (account.kind == "payable_unaccepted") {
      auto& unaccepted = sums.unaccepted[account.supplier_id];
      unaccepted.county_id = account.county_id;
      unaccepted.fen += net;
    }
  }
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
  Reconciler reconciler(filter, progress);
  run(reconciler.sides());
  run(reconciler.mismatch_details());
  return reconciler.result();
}

struct Reconciler::State {
  ReconcileFilter filter;
  std::function<void(int, int)> progress;
  std::mutex progress_mutex;
  int done = 0;
  SupplierSums ordering;
  LedgerSums ledger, funds;
  SplitSums acceptances, refunds;
  std::map<std::int64_t, SupplierReconciliation> suppliers;
  Reconciliation result;

  static constexpr int kSteps = 5;
  void step() {
    std::lock_guard lock(progress_mutex);
    ++done;
    if (progress) progress(done, kSteps);
  }
};

Reconciler::Reconciler(ReconcileFilter filter, std::function<void(int, int)> progress)
    : state_(std::make_unique<State>()) {
  if ((filter.from && !is_date(*filter.from)) || (filter.to && !is_date(*filter.to))) {
    throw std::invalid_argument("dates are YYYY-MM-DD");
  }
  state_->filter = std::move(filter);
  state_->progress = std::move(progress);
}
Reconciler::~Reconciler() = default;

SessionJobs Reconciler::sides() {
  State& state = *state_;
  const ReconcileFilter& filter = state.filter;
  SessionJobs sides;
  // 1. Ordering: paid lines less what was refunded of them. STRAIGHT_JOIN reads the lines in
  // their own order and finds each order by its key (the view's plan otherwise reads the orders
  // and finds their lines through a non-covering index: about twice the time, EXPLAIN in
  // docs/settlement.md).
  sides.push_back([&state, &filter](mysql::Session& session) {
    state.ordering = supplier_sums(
        session,
        "SELECT STRAIGHT_JOIN l.supplier_id, MIN(l.county_id), SUM(l.line_total_fen - "
        "l.refunded_fen) FROM ordering_settlement_lines l WHERE " +
            period_condition(filter, "l.paid_at") + " AND " + supplier_condition(filter, "l") +
            " GROUP BY l.supplier_id");
    state.step();
  });
  // 2. The ledger: aid per supplier, and over the same orders the fund sources' net. All time
  // and all suppliers: one scan of the entries. A period picks entries by their posting's order;
  // a supplier or county filter reads the fund sources of that supplier's orders separately.
  sides.push_back([&state, &filter](mysql::Session& session) {
    const std::string postings =
        has_period(filter) ? " JOIN settlement_postings p ON p.id = e.posting_id" : "";
    state.ledger = ledger_sums(session, "FROM settlement_entries e" + postings + " WHERE " +
                                            order_condition(filter, "p.order_id") + " AND " +
                                            supplier_condition(filter, "e"));
    if (has_suppliers(filter)) {
      state.funds = ledger_sums(session,
                                "FROM settlement_entries e JOIN settlement_postings p ON p.id = "
                                "e.posting_id WHERE " +
                                    order_condition(filter, "p.order_id") +
                                    " AND p.order_id IN (SELECT order_id FROM "
                                    "settlement_fulfilments f WHERE " +
                                    supplier_condition(filter, "f") + ")");
    }
    state.step();
  });
  // 3. Acceptances, split into those in a statement and those accepted but in none yet: one
  // pass, each row compared with its supplier's held region (no anti-join).
  sides.push_back([&state, &filter](mysql::Session& session) {
    state.acceptances =
        split_sums(session, split_sql("a.accepted_fen", "settlement_fulfilments", "a.accepted_at",
                                      "a.accepted_seq",
                                      "a.accepted_at IS NOT NULL AND a.accepted_fen > 0 AND " +
                                          order_condition(filter, "a.order_id") + " AND " +
                                          supplier_condition(filter, "a")));
    state.step();
  });
  // 4. Refunds after acceptance, negative, split the same way.
  sides.push_back([&state, &filter](mysql::Session& session) {
    state.refunds = split_sums(
        session, split_sql("-a.amount_fen", "settlement_refunds", "a.occurred_at", "a.seq",
                           "a.after_acceptance = 1 AND " + order_condition(filter, "a.order_id") +
                               " AND " + supplier_condition(filter, "a")));
    state.step();
  });
  return sides;
}

SessionJobs Reconciler::mismatch_details() {
  State& state = *state_;
  auto row_of = [&](std::int64_t supplier_id, std::int64_t county_id) -> SupplierReconciliation& {
    auto& row = state.suppliers[supplier_id];
    row.supplier_id = supplier_id;
    if (row.county_id == 0) row.county_id = county_id;
    return row;
  };
  for (const auto& [id, sum] : state.ordering) row_of(id, sum.county_id).ordering_net_fen = sum.fen;
  for (const auto& [id, sum] : state.ledger.aid) row_of(id, sum.county_id).ledger_aid_fen = sum.fen;
  for (const auto& [id, sum] : state.ledger.unaccepted) {
    row_of(id, sum.county_id).paid_unaccepted_fen = sum.fen;
  }
  for (const auto* split : {&state.acceptances, &state.refunds}) {
    for (const auto& [id, sum] : *split) {
      auto& row = row_of(id, sum.county_id);
      row.statements_fen += sum.held_fen;
      row.accepted_unsettled_fen += sum.open_fen;
    }
  }

  Reconciliation& result = state.result;
  const LedgerSums& orders = has_suppliers(state.filter) ? state.funds : state.ledger;
  result.fund_sources_net_fen = orders.fund_sources_net_fen;
  result.orders_aid_fen = orders.orders_aid_fen;
  if (result.fund_sources_net_fen != result.orders_aid_fen) ++result.mismatches;

  // 5. Mismatches: which orders differ between ordering and the ledger.
  SessionJobs details;
  for (auto& entry : state.suppliers) {
    auto& row = entry.second;  // (a structured binding cannot be captured before clang 16)
    result.ledger_aid_fen += row.ledger_aid_fen;
    if (row.matches()) continue;
    ++result.mismatches;
    details.push_back([&filter = state.filter, &row](mysql::Session& session) {
      row.order_ids = differing_orders(session, filter, row.supplier_id);
    });
  }
  return details;
}

Reconciliation Reconciler::result() {
  State& state = *state_;
  state.step();
  for (auto& [supplier_id, row] : state.suppliers) state.result.suppliers.push_back(std::move(row));
  std::stable_sort(state.result.suppliers.begin(), state.result.suppliers.end(),
                   [](const auto& a, const auto& b) { return a.county_id < b.county_id; });
  return std::move(state.result);
}

}  // namespace huicai::settlement
