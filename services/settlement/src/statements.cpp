#include <cppconn/connection.h>
#include <cppconn/statement.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <huicai/core/business_clock.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/validation.hpp>
#include <huicai/settlement/ledger.hpp>
#include <huicai/settlement/statements.hpp>

namespace huicai::settlement {
namespace {

std::optional<std::chrono::year_month_day> parse_date(const std::string& text) {
  unsigned year = 0, month = 0, day = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4u-%2u-%2u", &year, &month, &day) != 3 ||
      text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)),
                                   std::chrono::month(month), std::chrono::day(day)};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string format_date(std::chrono::year_month_day date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

}  // namespace

Period period_from(const std::string& start, std::size_t months) {
  const auto date = parse_date(start);
  if (!date || date->day() != std::chrono::day(1)) {
    throw_validation_failed({{"period_start", "the first day of a month, YYYY-MM-01"}});
  }
  const auto end = *date + std::chrono::months(static_cast<int>(months));
  return {format_date(*date), format_date(end)};
}

std::string held_regions_sql() {
  return "(SELECT supplier_id, MAX(items_before) AS held_before, MAX(cutoff_seq) AS held_cutoff "
         "FROM settlement_statements GROUP BY supplier_id)";
}

StatementRow load_statement(mysql::Session& session, std::int64_t statement_id, bool lock) {
  auto& select = session.prepare(
      std::string("SELECT id, supplier_id, county_id, amount_fen, version, status, "
                  "invoice_exception_reason, (SELECT COALESCE(SUM(amount_fen), 0) FROM "
                  "settlement_invoices v WHERE v.statement_id = s.id) AS invoiced FROM "
                  "settlement_statements s WHERE id = ?") +
      (lock ? " FOR UPDATE" : ""));
  mysql::bind(select, statement_id);
  auto row = mysql::query(select);
  if (!row->next()) throw http::Problem(404, "not-found", "Not found", "no such statement");
  StatementRow result;
  result.id = row->getInt64("id");
  result.supplier_id = row->getInt64("supplier_id");
  result.county_id = row->getInt64("county_id");
  result.amount_fen = row->getInt64("amount_fen");
  result.version = row->getInt64("version");
  result.status = mysql::get_string(*row, "status");
  result.invoice_exception_reason = mysql::get_optional_string(*row, "invoice_exception_reason");
  result.invoiced_fen = row->getInt64("invoiced");
  return result;
}

void transition(mysql::Session& session, StatementRow& row, const std::string& from,
                const std::string& to, const std::string& stamp, std::int64_t actor_account_id) {
  if (row.status != from) {
    throw http::Problem(
        409, "invalid-transition", "Invalid transition",
        "the statement is " + row.status + ", not " + from + ": it cannot become " + to)
        .with("status", boost::json::string(row.status));
  }
  // `stamp` is one of our own column prefixes (confirmed, approved, paid), never input.
  auto& update = session.prepare("UPDATE settlement_statements SET status = ?, " + stamp +
                                 "_by = ?, " + stamp +
                                 "_at = NOW(6), version = version + 1 WHERE id = ? AND status = ? "
                                 "AND version = ?");
  mysql::bind(update, to, actor_account_id, row.id, from, row.version);
  if (update.executeUpdate() != 1) {
    throw http::Problem(409, "invalid-transition", "Invalid transition",
                        "the statement changed meanwhile; read it again");
  }
  row.status = to;
  row.version += 1;
}

std::int64_t record_invoice(mysql::Session& session, const StatementRow& row,
                            const InvoiceInput& invoice, std::int64_t actor_account_id) {
  Validator check;
  check.text("invoice_number", invoice.invoice_number, 1, 64);
  check.require(invoice.amount_fen > 0, "amount_fen", "must be positive");
  check.require(parse_date(invoice.received_date).has_value(), "received_date", "YYYY-MM-DD");
  check.require(invoice.supplier_id == row.supplier_id, "supplier_id",
                "the invoice is not from this statement's supplier");
  check.throw_if_any();
  if (row.status == "paid") {
    throw http::Problem(409, "statement-paid", "Statement paid",
                        "the statement is paid; invoices can no longer be added");
  }
  auto& insert = session.prepare(
      "INSERT IGNORE INTO settlement_invoices (statement_id, supplier_id, invoice_number, "
      "amount_fen, received_date, recorded_by) VALUES (?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, row.id, row.supplier_id, invoice.invoice_number, invoice.amount_fen,
              invoice.received_date, actor_account_id);
  if (insert.executeUpdate() != 1) {
    throw http::Problem(
        409, "invoice-exists", "Invoice recorded before",
        "this supplier's invoice " + invoice.invoice_number + " is recorded already");
  }
  auto& last = session.prepare("SELECT LAST_INSERT_ID() AS id");
  auto id = mysql::query(last);
  id->next();
  return id->getInt64("id");
}

void record_invoice_exception(mysql::Session& session, StatementRow& row, const std::string& reason,
                              std::int64_t actor_account_id) {
  Validator check;
  check.text("reason", reason, 1, 500);
  check.throw_if_any();
  if (row.status == "paid") {
    throw http::Problem(409, "statement-paid", "Statement paid", "the statement is paid already");
  }
  auto& update = session.prepare(
      "UPDATE settlement_statements SET invoice_exception_reason = ?, invoice_exception_by = ?, "
      "version = version + 1 WHERE id = ? AND version = ?");
  mysql::bind(update, reason, actor_account_id, row.id, row.version);
  if (update.executeUpdate() != 1) {
    throw http::Problem(409, "conflict", "Conflict", "the statement changed meanwhile");
  }
  row.version += 1;
  row.invoice_exception_reason = reason;
}

void pay_statement(mysql::Session& session, StatementRow& row, const PayoutInput& payout,
                   std::int64_t actor_account_id) {
  Validator check;
  check.text("payout_reference", payout.payout_reference, 1, 64);
  check.require(parse_date(payout.payout_date).has_value(), "payout_date", "YYYY-MM-DD");
  check.throw_if_any();
  if (row.status != "approved") {
    throw http::Problem(409, "invalid-transition", "Invalid transition",
                        "only an approved statement can be paid; it is " + row.status)
        .with("status", boost::json::string(row.status));
  }
  if (payout.amount_fen != row.amount_fen) {
    throw http::Problem(422, "payout-amount-mismatch", "Payout amount differs",
                        "the payout must be the statement's amount")
        .with("amount_fen", row.amount_fen);
  }
  if (row.amount_fen <= 0) {
    throw http::Problem(409, "nothing-to-pay", "Nothing to pay",
                        "the statement's amount is not positive");
  }
  if (row.invoiced_fen != row.amount_fen && !row.invoice_exception_reason) {
    throw http::Problem(409, "invoice-missing", "Invoice missing",
                        "the invoices recorded do not add up to the statement; record the "
                        "supplier's invoice or an exception with a reason")
        .with("invoiced_fen", row.invoiced_fen)
        .with("amount_fen", row.amount_fen);
  }
  transition(session, row, "approved", "paid", "paid", actor_account_id);
  auto& update = session.prepare(
      "UPDATE settlement_statements SET payout_reference = ?, payout_date = ? WHERE id = ?");
  mysql::bind(update, payout.payout_reference, payout.payout_date, row.id);
  update.executeUpdate();

  Posting posting;
  posting.kind = "payout";
  posting.reference_id = row.id;
  posting.description = "statement paid, payout " + payout.payout_reference;
  posting.occurred_at_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               business_clock::now().time_since_epoch())
                               .count();
  AccountKey due{AccountKind::payable_due, "", 0, row.supplier_id, row.county_id};
  AccountKey paid_out{AccountKind::payout, "", 0, row.supplier_id, row.county_id};
  posting.entries = {{due, Side::debit, row.amount_fen}, {paid_out, Side::credit, row.amount_fen}};
  if (!post(session, posting)) {
    throw http::Problem(409, "statement-paid", "Statement paid", "the payout is posted already");
  }
}

std::unique_ptr<sql::ResultSet> query_statement_items(mysql::Session& session,
                                                      std::int64_t statement_id,
                                                      const std::string& columns,
                                                      const std::string& rest) {
  std::unique_ptr<sql::Statement> statement(session.native().createStatement());
  return std::unique_ptr<sql::ResultSet>(statement->executeQuery(
      "SELECT " + columns + " FROM settlement_statement_items WHERE statement_id = " +
      std::to_string(statement_id) + " " + rest));
}

boost::json::object statement_json(mysql::Session& session, std::int64_t statement_id) {
  auto& select = session.prepare(
      "SELECT id, supplier_id, county_id, DATE_FORMAT(period_start, '%Y-%m-%d') AS period_start, "
      "DATE_FORMAT(period_end, '%Y-%m-%d') AS period_end, status, amount_fen, item_count, "
      "DATE_FORMAT(earliest_due_date, '%Y-%m-%d') AS due_date, payout_reference, "
      "DATE_FORMAT(payout_date, '%Y-%m-%d') AS payout_date, invoice_exception_reason, version "
      "FROM settlement_statements WHERE id = ?");
  mysql::bind(select, statement_id);
  auto row = mysql::query(select);
  if (!row->next()) throw http::Problem(404, "not-found", "Not found", "no such statement");
  auto optional = [&](const char* column) -> boost::json::value {
    auto value = mysql::get_optional_string(*row, column);
    if (!value) return nullptr;
    return boost::json::value(*value);
  };
  boost::json::object statement{{"id", row->getInt64("id")},
                                {"supplier_id", row->getInt64("supplier_id")},
                                {"county_id", row->getInt64("county_id")},
                                {"period_start", mysql::get_string(*row, "period_start")},
                                {"period_end", mysql::get_string(*row, "period_end")},
                                {"status", mysql::get_string(*row, "status")},
                                {"amount_fen", row->getInt64("amount_fen")},
                                {"item_count", row->getInt64("item_count")},
                                {"due_date", optional("due_date")},
                                {"payout_reference", optional("payout_reference")},
                                {"payout_date", optional("payout_date")},
                                {"invoice_exception_reason", optional("invoice_exception_reason")},
                                {"version", row->getInt64("version")}};
  auto items_rows =
      query_statement_items(session, statement_id,
                            "item_kind, source_id, order_id, fulfilment_id, amount_fen, "
                            "DATE_FORMAT(due_date, '%Y-%m-%d') AS due_date",
                            "ORDER BY id");
  boost::json::array items;
  while (items_rows->next()) {
    auto due = mysql::get_optional_string(*items_rows, "due_date");
    items.push_back({{"kind", mysql::get_string(*items_rows, "item_kind")},
                     {"source_id", items_rows->getInt64("source_id")},
                     {"order_id", items_rows->getInt64("order_id")},
                     {"fulfilment_id", items_rows->getInt64("fulfilment_id")},
                     {"amount_fen", items_rows->getInt64("amount_fen")},
                     {"due_date", due ? boost::json::value(*due) : boost::json::value(nullptr)}});
  }
  statement["items"] = std::move(items);
  auto& invoices_select = session.prepare(
      "SELECT id, invoice_number, amount_fen, DATE_FORMAT(received_date, '%Y-%m-%d') AS "
      "received_date FROM settlement_invoices WHERE statement_id = ? ORDER BY id");
  mysql::bind(invoices_select, statement_id);
  auto invoice_rows = mysql::query(invoices_select);
  boost::json::array invoices;
  while (invoice_rows->next()) {
    invoices.push_back({{"id", invoice_rows->getInt64("id")},
                        {"invoice_number", mysql::get_string(*invoice_rows, "invoice_number")},
                        {"amount_fen", invoice_rows->getInt64("amount_fen")},
                        {"received_date", mysql::get_string(*invoice_rows, "received_date")}});
  }
  statement["invoices"] = std::move(invoices);
  return statement;
}

}  // namespace huicai::settlement
