// The statement gate (ADR 0026): a posting id is taken before its transaction commits, so a
// generation that read its cut-off while an acceptance was still being recorded could put a
// later-committed acceptance inside a statement's region but outside its totals. Here an
// acceptance is held open, a later one commits, and a generation starts: it must wait for the
// open one (seen in the process list on the gate), and its statement's totals must equal the
// items its predicate holds.
#include <catch2/catch.hpp>
#include <future>
#include <huicai/settlement/statements.hpp>

#include "mysql_test_options.hpp"
#include "settlement_world.hpp"
#include "sql_scalar.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::settlement;

namespace {

// What the ledger records for an acceptance of `fen`, as ordering_postings.cpp does: the gate in
// share mode, a balanced posting (D payable_unaccepted, C payable_due of the supplier), the
// fulfilment with the posting's id as its recording order.
void record_acceptance(mysql::Session& session, std::int64_t supplier_id,
                       std::int64_t fulfilment_id, std::int64_t fen) {
  mysql::query(
      session.prepare("SELECT id FROM settlement_statement_gate WHERE id = 1 LOCK IN SHARE MODE"))
      ->next();
  auto& posting = session.prepare(
      "INSERT INTO settlement_postings (kind, reference_id, order_id, fulfilment_id, "
      "occurred_at) VALUES ('acceptance', ?, ?, ?, UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE)");
  mysql::bind(posting, fulfilment_id, fulfilment_id, fulfilment_id);
  posting.executeUpdate();
  auto& entries = session.prepare(
      "INSERT INTO settlement_entries (posting_id, account_id, side, amount_fen, supplier_id, "
      "county_id) SELECT LAST_INSERT_ID(), a.id, IF(a.kind = 'payable_due', 'C', 'D'), ?, "
      "a.supplier_id, a.county_id FROM settlement_accounts a WHERE a.code IN (?, ?)");
  const std::string supplier = std::to_string(supplier_id);
  mysql::bind(entries, fen, "payable_unaccepted:supplier:" + supplier,
              "payable_due:supplier:" + supplier);
  entries.executeUpdate();
  auto& fulfilment = session.prepare(
      "INSERT INTO settlement_fulfilments (fulfilment_id, order_id, supplier_id, county_id, "
      "buyer_kind, paid_fen, paid_at, accepted_fen, accepted_at, accepted_seq, due_date) SELECT "
      "?, ?, ?, ?, 'unit', ?, UTC_TIMESTAMP(6) - INTERVAL 2 MINUTE, ?, UTC_TIMESTAMP(6) - "
      "INTERVAL 1 MINUTE, e.posting_id, CURRENT_DATE + INTERVAL 60 DAY FROM settlement_entries e "
      "WHERE e.id = LAST_INSERT_ID()");
  mysql::bind(fulfilment, fulfilment_id, fulfilment_id, supplier_id, supplier_id, fen, fen);
  fulfilment.executeUpdate();
}

}  // namespace

TEST_CASE("a generation waits for an acceptance being recorded and totals what its statement holds",
          "[settlement][statements]") {
  IoThread io;
  mysql::Pool pool(io.executor(), mysql_test_options(true, 4));
  auto scalar = [&](const std::string& sql) { return huicai::test::sql_scalar(pool, sql); };
  const std::int64_t supplier = random_id();
  const std::int64_t first = random_id(), second = random_id();
  // The supplier's payable accounts (its county: its own id, so no county's totals move).
  pool.run_blocking([&](mysql::Session& session) {
    auto& insert = session.prepare(
        "INSERT INTO settlement_accounts (code, kind, supplier_id, county_id) VALUES (?, ?, ?, "
        "?), (?, ?, ?, ?)");
    const std::string id = std::to_string(supplier);
    mysql::bind(insert, "payable_unaccepted:supplier:" + id, "payable_unaccepted", supplier,
                supplier, "payable_due:supplier:" + id, "payable_due", supplier, supplier);
    insert.executeUpdate();
  });

  std::promise<void> recorded, release;
  auto open = std::async(std::launch::async, [&] {
    pool.run_blocking(
        [&](mysql::Session& session) {
          record_acceptance(session, supplier, first, 1000);
          recorded.set_value();
          release.get_future().wait();
        },
        true);
  });
  recorded.get_future().wait();
  // A later acceptance commits while the first is open: its posting id is the higher one.
  pool.run_blocking(
      [&](mysql::Session& session) { record_acceptance(session, supplier, second, 234); }, true);

  const auto period = huicai::settlement::period_from(this_month(), 1);
  auto generation = std::async(std::launch::async, [&] {
    return pool.run_blocking(
        [&](mysql::Session& session) {
          return huicai::settlement::generate_statements(session, period);
        },
        true);
  });
  // The generation stands at the gate (its first statement) while the acceptance is open.
  CHECK(wait_until(
      [&] {
        return scalar(
                   "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE "
                   "'SELECT id FROM settlement_statement_gate WHERE id = 1 FOR UPDATE%'") == 1;
      },
      std::chrono::seconds(30)));
  CHECK(generation.wait_for(std::chrono::seconds(0)) != std::future_status::ready);
  release.set_value();
  open.get();
  generation.get();

  const std::string of_supplier = " WHERE supplier_id = " + std::to_string(supplier);
  CHECK(scalar("SELECT COUNT(*) FROM settlement_statements" + of_supplier) == 1);
  CHECK(scalar("SELECT amount_fen FROM settlement_statements" + of_supplier) == 1234);
  CHECK(scalar("SELECT item_count FROM settlement_statements" + of_supplier) == 2);
  CHECK(scalar("SELECT SUM(i.amount_fen) FROM settlement_statement_items i JOIN "
               "settlement_statements s ON s.id = i.statement_id" +
               std::string(" WHERE s.supplier_id = ") + std::to_string(supplier)) == 1234);
  pool.close();
}
