// Statement generation (ADR 0026): a statement's items are a predicate over the fulfilments and
// refunds (see db/migrations/0406), so a period's generation writes one row per supplier: one
// INSERT ... SELECT ... GROUP BY, in the caller's transaction.
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/settlement/statements.hpp>
#include <memory>

namespace huicai::settlement {
namespace {

// Per supplier, the region its statements hold already, which this period's statement starts
// after: the previous region of this period's draft when it is refreshed, else the region of
// the supplier's latest statement (both bounds only grow along a supplier's statements, so the
// maxima are the latest's). A supplier whose latest statement is this period's and no longer a
// draft, or a later or overlapping period's, takes nothing: its region is everything (its new
// items wait for a later period). A supplier with no statement has no row (holds nothing).
std::string held_regions(const std::string& start) {
  const std::string this_period = "MAX(period_start) = DATE('" + start + "')";
  const std::string takes_items = "MAX(period_end) <= DATE('" + start + "') OR " + this_period +
                                  " AND MAX(IF(period_start = DATE('" + start +
                                  "'), status, NULL)) = 'draft'";
  auto bound = [&](const std::string& previous, const std::string& latest,
                   const std::string& everything) {
    return "IF(" + takes_items + ", IF(" + this_period + ", MAX(IF(period_start = DATE('" + start +
           "'), " + previous + ", NULL)), MAX(" + latest + ")), " + everything + ")";
  };
  return "(SELECT supplier_id, " +
         bound("prev_items_before", "items_before", "TIMESTAMP('9999-12-31')") +
         " AS held_before, " + bound("prev_cutoff_seq", "cutoff_seq", "9223372036854775807") +
         " AS held_cutoff FROM settlement_statements GROUP BY supplier_id)";
}

// The items of one kind, summed per supplier: `table` (alias a) rows meeting `kind`, that
// happened before `before`, were recorded at or before `cutoff` and lie outside the supplier's
// held region. `at` and `seq` name the row's time and recording order.
std::string new_items(const std::string& sums, const std::string& table, const std::string& kind,
                      const std::string& at, const std::string& seq, const std::string& before,
                      const std::string& cutoff, const std::string& held) {
  return "SELECT a.supplier_id, MIN(a.county_id) AS county_id, " + sums + " FROM " + table +
         " a LEFT JOIN " + held + " h ON h.supplier_id = a.supplier_id WHERE " + kind + " AND " +
         at + " < " + before + " AND " + seq + " <= " + cutoff + " AND (h.held_before IS NULL OR " +
         at + " >= h.held_before OR " + seq + " > h.held_cutoff) GROUP BY a.supplier_id";
}

}  // namespace

// In the caller's transaction (READ COMMITTED, so the fulfilments read are not locked):
// (1) the gate exclusively, so every acceptance or refund posted up to the cut-off has committed
// and none can commit below it while we hold it; (2) the cut-off, the last posting's id; (3) one
// INSERT ... SELECT: per supplier the items of its region that no statement holds yet, summed;
// a new draft, or this period's draft refreshed (ON DUPLICATE KEY, drafts only).
std::int64_t generate_statements(mysql::Session& session, const Period& period) {
  auto& gate = session.prepare("SELECT id FROM settlement_statement_gate WHERE id = 1 FOR UPDATE");
  mysql::query(gate)->next();
  auto& last = session.prepare("SELECT COALESCE(MAX(id), 0) AS cutoff FROM settlement_postings");
  auto last_row = mysql::query(last);
  last_row->next();
  const std::string cutoff = std::to_string(last_row->getInt64("cutoff"));

  // The period's end in China (UTC+8) as the stored UTC times. Values are checked dates and an
  // integer written into the text (run unprepared: no cached statement per period).
  const std::string before = "(TIMESTAMP('" + period.end + "') - INTERVAL 8 HOUR)";
  const std::string held = held_regions(period.start);
  // An item with a zero amount (nothing accepted) is no item; a refund's amount is negative.
  const std::string acceptances =
      new_items("SUM(a.accepted_fen) AS amount, COUNT(*) AS items, MIN(a.due_date) AS due",
                "settlement_fulfilments", "a.accepted_fen > 0", "a.accepted_at", "a.accepted_seq",
                before, cutoff, held);
  const std::string refunds =
      new_items("-SUM(a.amount_fen), COUNT(*), NULL", "settlement_refunds",
                "a.after_acceptance = 1", "a.occurred_at", "a.seq", before, cutoff, held);
  auto refreshed = [&](const std::string& column) {
    return column + " = IF(status = 'draft', VALUES(" + column + "), " + column + ")";
  };
  const std::string sql =
      "INSERT INTO settlement_statements (supplier_id, county_id, period_start, period_end, "
      "status, amount_fen, item_count, earliest_due_date, items_before, cutoff_seq, "
      "prev_items_before, prev_cutoff_seq) SELECT t.supplier_id, MIN(t.county_id), DATE('" +
      period.start + "'), DATE('" + period.end +
      "'), 'draft', SUM(t.amount), SUM(t.items), "
      "MIN(t.due), " +
      before + ", " + cutoff +
      ", COALESCE(MIN(h.held_before), TIMESTAMP('1000-01-01')), COALESCE(MIN(h.held_cutoff), 0) "
      "FROM (" +
      acceptances + " UNION ALL " + refunds + ") t LEFT JOIN " + held +
      " h ON h.supplier_id = t.supplier_id GROUP BY t.supplier_id ON DUPLICATE KEY UPDATE "
      "version = version + IF(status = 'draft' AND (amount_fen <> VALUES(amount_fen) OR "
      "item_count <> VALUES(item_count)), 1, 0), " +
      refreshed("amount_fen") + ", " + refreshed("item_count") + ", " +
      refreshed("earliest_due_date") + ", " + refreshed("cutoff_seq");
  std::unique_ptr<sql::Statement> insert(session.native().createStatement());
  insert->executeUpdate(sql);

  auto& stamp =
      session.prepare("UPDATE settlement_statement_gate SET generated_at = NOW(6) WHERE id = 1");
  stamp.executeUpdate();
  auto& count =
      session.prepare("SELECT COUNT(*) AS n FROM settlement_statements WHERE period_start = ?");
  mysql::bind(count, period.start);
  auto row = mysql::query(count);
  row->next();
  return row->getInt64("n");
}

}  // namespace huicai::settlement
