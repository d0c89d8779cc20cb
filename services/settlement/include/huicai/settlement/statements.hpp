#pragma once
// Supplier statements (结算单): generation per period, the workflow draft -> confirmed ->
// approved -> paid as compare-and-set transitions, invoices and the invoice exception. Each
// function runs inside the caller's transaction and throws http::Problem on bad input or a
// wrong state, before anything is written.

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace huicai::mysql {
class Session;
}

namespace sql {
class ResultSet;
}

namespace huicai::settlement {

// A statement period: [start, end) in China's calendar, start on the first of a month.
struct Period {
  std::string start;  // YYYY-MM-DD
  std::string end;
};
// Throws Problem 422 (field `period_start`) unless `start` is YYYY-MM-01.
Period period_from(const std::string& start, std::size_t months);

// Collects every accepted fulfilment and every refund after acceptance, accepted or refunded
// before the period's end, recorded by the ledger by now and not in a statement yet, into the
// period's draft statement of its supplier (created when missing, refreshed while a draft). A
// statement holds its items by predicate (ADR 0026): the supplier, the period's end and the
// cut-off (the last ledger posting when it was generated), less the supplier's previous
// statement. A supplier whose statement of the period is no longer a draft, or who has a
// statement of a later period, keeps its late items for a later period. Run it in a READ
// COMMITTED transaction. Returns the number of the period's statements.
std::int64_t generate_statements(mysql::Session& session, const Period& period);

// SQL of a derived table, one row per supplier with a statement: the region its statements
// hold, (held_before, held_cutoff). The regions of a supplier's statements are nested, so their
// union is the latest's: the maxima of both bounds. A row is in one of the supplier's
// statements when its time < held_before and its recording order <= held_cutoff.
std::string held_regions_sql();

struct StatementRow {
  std::int64_t id = 0, supplier_id = 0, county_id = 0, amount_fen = 0, version = 0;
  std::string status;
  std::optional<std::string> invoice_exception_reason;
  std::int64_t invoiced_fen = 0;  // Σ invoices recorded
};
// Locks the statement (FOR UPDATE when `lock`); 404 when missing.
StatementRow load_statement(mysql::Session& session, std::int64_t statement_id, bool lock);

// CAS from `from` to `to`, stamping `<stamp>_by` and `<stamp>_at`; 409 when the statement is
// not in `from` any more.
void transition(mysql::Session& session, StatementRow& row, const std::string& from,
                const std::string& to, const std::string& stamp, std::int64_t actor_account_id);

struct InvoiceInput {
  std::int64_t supplier_id = 0;  // the seller named on the invoice
  std::string invoice_number;
  std::int64_t amount_fen = 0;
  std::string received_date;  // YYYY-MM-DD
};
// 422 for another supplier's invoice; 409 once paid or for a number recorded before.
std::int64_t record_invoice(mysql::Session& session, const StatementRow& row,
                            const InvoiceInput& invoice, std::int64_t actor_account_id);

void record_invoice_exception(mysql::Session& session, StatementRow& row, const std::string& reason,
                              std::int64_t actor_account_id);

struct PayoutInput {
  std::string payout_reference;
  std::string payout_date;  // YYYY-MM-DD
  std::int64_t amount_fen = 0;
};
// approved -> paid: the amount must be the statement's (422), invoices must add up to it unless
// finance recorded an exception (409); posts D payable_due C payout.
void pay_statement(mysql::Session& session, StatementRow& row, const PayoutInput& payout,
                   std::int64_t actor_account_id);

// The statement with its items and invoices, as the API shows it.
boost::json::object statement_json(mysql::Session& session, std::int64_t statement_id);

// `columns` of the items of one statement (the view settlement_statement_items), then `rest`
// (more conditions with AND, ORDER BY, LIMIT; no parameters). The id is sent as a literal, not
// bound: MariaDB pushes a literal `statement_id = n` into each branch of the view's UNION (a
// range of one supplier's rows), but materialises the whole view, every statement's items, for
// a bound parameter (0.77 s instead of 0.06 s with 1,568 statements, growing with the history).
std::unique_ptr<sql::ResultSet> query_statement_items(mysql::Session& session,
                                                      std::int64_t statement_id,
                                                      const std::string& columns,
                                                      const std::string& rest);

}  // namespace huicai::settlement
