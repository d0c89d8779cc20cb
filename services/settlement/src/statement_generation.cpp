// Statement generation (ADR 0026): a statement's items are a predicate over the fulfilments and
// refunds (see db/migrations/0406), so a period's generation writes one row per supplier: one
// INSERT ... SELECT ... GROUP BY, in the caller's transaction.
//
// The suppliers' held regions are read first (one row per supplier with a statement) and
// written into that statement as constants, suppliers grouped by region: every supplier
// generated in the same run shares one region, so there are a few groups, not one per
// supplier. Each group is read as index ranges per supplier (ADR 0026, "range plan"): what
// happened since the region's end, and what was recorded late, after its cut-off. The rows are
// not joined with the regions one by one (500,000 lookups at a million lines, about 100 ms).
#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/settlement/statements.hpp>
#include <limits>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace huicai::settlement {
namespace {

constexpr std::int64_t holds_everything = std::numeric_limits<std::int64_t>::max();

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
  return "SELECT supplier_id, " +
         bound("prev_items_before", "items_before", "TIMESTAMP('9999-12-31')") +
         " AS held_before, " +
         bound("prev_cutoff_seq", "cutoff_seq", std::to_string(holds_everything)) +
         " AS held_cutoff FROM settlement_statements GROUP BY supplier_id";
}

// A held region: before `before` (a DATETIME as MariaDB prints it) and recorded at or before
// `cutoff`.
using Region = std::pair<std::string, std::int64_t>;

struct HeldRegions {
  std::map<Region, std::vector<std::int64_t>> suppliers_by_region;
  std::vector<std::int64_t> with_statement;  // every supplier with a row, in id order
};

HeldRegions read_held_regions(mysql::Session& session, const std::string& start) {
  std::unique_ptr<sql::Statement> statement(session.native().createStatement());
  std::unique_ptr<sql::ResultSet> rows(
      statement->executeQuery(held_regions(start) + " ORDER BY supplier_id"));
  HeldRegions held;
  while (rows->next()) {
    const auto supplier_id = rows->getInt64("supplier_id");
    held.with_statement.push_back(supplier_id);
    const auto cutoff = rows->getInt64("held_cutoff");
    if (cutoff == holds_everything) continue;  // takes nothing this period
    held.suppliers_by_region[{std::string(rows->getString("held_before")), cutoff}].push_back(
        supplier_id);
  }
  return held;
}

std::string id_list(const std::vector<std::int64_t>& ids) {
  std::string list;
  for (const auto id : ids) {
    if (!list.empty()) list += ',';
    list += std::to_string(id);
  }
  return list;
}

// Where one kind of item lives: its table (alias a), the rows that are items at all, the
// columns of its time and recording order, and its sums per supplier (amount, items, due).
struct ItemSource {
  std::string table, is_item, at, seq, sums;
};

// One branch of the union: `source`'s items before `before`, recorded at or before `cutoff`,
// meeting `where`, summed per supplier, with the held region the statement starts after.
std::string items_branch(const ItemSource& source, const std::string& where,
                         const std::string& before, const std::string& cutoff,
                         const std::string& held_before, const std::string& held_cutoff) {
  return "SELECT a.supplier_id, MIN(a.county_id) AS county_id, " + source.sums + ", " +
         held_before + " AS held_before, " + held_cutoff + " AS held_cutoff FROM " + source.table +
         " a WHERE " + source.is_item + " AND " + source.at + " < " + before + " AND " +
         source.seq + " <= " + cutoff + " AND " + where + " GROUP BY a.supplier_id";
}

// Every branch of `source` for this generation. Suppliers without a statement: all their items
// (ranges between the ids that have one). Per region and its suppliers: what happened at or
// after the region's end (a range on (supplier, time)), and what happened before it but was
// recorded after its cut-off (a range on (supplier, recording order), migration 0408).
std::vector<std::string> items_branches(const ItemSource& source, const HeldRegions& held,
                                        const std::string& before, const std::string& cutoff) {
  std::vector<std::string> branches;
  const std::string without_statement =
      held.with_statement.empty() ? "TRUE"
                                  : "a.supplier_id NOT IN (" + id_list(held.with_statement) + ")";
  branches.push_back(
      items_branch(source, without_statement, before, cutoff, "TIMESTAMP('1000-01-01')", "0"));
  for (const auto& [region, suppliers] : held.suppliers_by_region) {
    const std::string held_before = "TIMESTAMP('" + region.first + "')";
    const std::string held_cutoff = std::to_string(region.second);
    const std::string of_suppliers = "a.supplier_id IN (" + id_list(suppliers) + ")";
    branches.push_back(items_branch(source,
                                    of_suppliers + " AND " + source.at + " >= " + held_before,
                                    before, cutoff, held_before, held_cutoff));
    branches.push_back(items_branch(source,
                                    of_suppliers + " AND " + source.at + " < " + held_before +
                                        " AND " + source.seq + " > " + held_cutoff,
                                    before, cutoff, held_before, held_cutoff));
  }
  return branches;
}

}  // namespace

// In the caller's transaction (READ COMMITTED, so the fulfilments read are not locked):
// (1) the gate exclusively, so every acceptance or refund posted up to the cut-off has committed
// and none can commit below it while we hold it (nor can another generation change the
// statements read next); (2) the cut-off, the last posting's id; (3) the held regions; (4) one
// INSERT ... SELECT: per supplier the items of its region that no statement holds yet, summed;
// a new draft, or this period's draft refreshed (ON DUPLICATE KEY, drafts only).
std::int64_t generate_statements(mysql::Session& session, const Period& period) {
  auto& gate = session.prepare("SELECT id FROM settlement_statement_gate WHERE id = 1 FOR UPDATE");
  mysql::query(gate)->next();
  auto& last = session.prepare("SELECT COALESCE(MAX(id), 0) AS cutoff FROM settlement_postings");
  auto last_row = mysql::query(last);
  last_row->next();
  const std::string cutoff = std::to_string(last_row->getInt64("cutoff"));
  const auto held = read_held_regions(session, period.start);

  // The period's end in China (UTC+8) as the stored UTC times. Values are checked dates, times
  // MariaDB printed and integers written into the text (run unprepared: the text differs per
  // run).
  const std::string before = "(TIMESTAMP('" + period.end + "') - INTERVAL 8 HOUR)";
  // An item with a zero amount (nothing accepted) is no item; a refund's amount is negative.
  const ItemSource acceptances{"settlement_fulfilments", "a.accepted_fen > 0", "a.accepted_at",
                               "a.accepted_seq",
                               "SUM(a.accepted_fen) AS amount, COUNT(*) AS items, "
                               "MIN(a.due_date) AS due"};
  const ItemSource refunds{"settlement_refunds", "a.after_acceptance = 1", "a.occurred_at", "a.seq",
                           "-SUM(a.amount_fen), COUNT(*), NULL"};
  std::string items;
  for (const auto* source : {&acceptances, &refunds}) {
    for (const auto& branch : items_branches(*source, held, before, cutoff)) {
      if (!items.empty()) items += " UNION ALL ";
      items += branch;
    }
  }
  auto refreshed = [&](const std::string& column) {
    return column + " = IF(status = 'draft', VALUES(" + column + "), " + column + ")";
  };
  const std::string sql =
      "INSERT INTO settlement_statements (supplier_id, county_id, period_start, period_end, "
      "status, amount_fen, item_count, earliest_due_date, items_before, cutoff_seq, "
      "prev_items_before, prev_cutoff_seq) SELECT t.supplier_id, MIN(t.county_id), DATE('" +
      period.start + "'), DATE('" + period.end + "'), 'draft', SUM(t.amount), SUM(t.items), " +
      "MIN(t.due), " + before + ", " + cutoff + ", MIN(t.held_before), MIN(t.held_cutoff) FROM (" +
      items +
      ") t GROUP BY t.supplier_id ON DUPLICATE KEY UPDATE "
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
