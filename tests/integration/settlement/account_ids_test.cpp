// The ledger remembers its accounts' ids in the process (account_ids.hpp) but never one that did
// not commit: a posting whose transaction rolled back after creating the supplier's accounts
// leaves no id behind, so the next posting creates them again and its entries name accounts
// that exist. Checked with the accounts' codes joined to the entries (the ledger has no foreign
// keys that would catch an entry naming an account that is gone).
#include <catch2/catch.hpp>
#include <huicai/settlement/ledger.hpp>

#include "mysql_test_options.hpp"
#include "settlement_world.hpp"
#include "sql_scalar.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::settlement;

namespace {

huicai::settlement::Posting acceptance(std::int64_t supplier_id, std::int64_t fulfilment_id) {
  using huicai::settlement::AccountKind;
  using huicai::settlement::Side;
  huicai::settlement::Posting posting;
  posting.kind = "acceptance";
  posting.reference_id = fulfilment_id;
  posting.fulfilment_id = fulfilment_id;
  posting.description = "account id test";
  posting.occurred_at_us = 1'700'000'000'000'000;
  huicai::settlement::AccountKey unaccepted{AccountKind::payable_unaccepted, "", 0, supplier_id,
                                            supplier_id};
  huicai::settlement::AccountKey due{AccountKind::payable_due, "", 0, supplier_id, supplier_id};
  posting.entries = {{unaccepted, Side::debit, 700}, {due, Side::credit, 700}};
  return posting;
}

}  // namespace

TEST_CASE("a posting after one that rolled back names accounts that exist",
          "[settlement][ledger]") {
  IoThread io;
  mysql::Pool pool(io.executor(), mysql_test_options(true, 2));
  auto scalar = [&](const std::string& sql) { return huicai::test::sql_scalar(pool, sql); };
  const std::int64_t supplier = random_id();
  const std::string accounts_of_supplier =
      "SELECT COUNT(*) FROM settlement_accounts WHERE supplier_id = " + std::to_string(supplier);
  // Entries of the posting whose account is the supplier's account of the entry's side.
  auto named_right = [&](std::int64_t posting_id) {
    return scalar(
        "SELECT COUNT(*) FROM settlement_entries e JOIN settlement_accounts a ON a.id = "
        "e.account_id WHERE e.posting_id = " +
        std::to_string(posting_id) +
        " AND a.code = CONCAT(IF(a.kind = 'payable_due', "
        "'payable_due', 'payable_unaccepted'), ':supplier:', e.supplier_id) AND a.supplier_id = " +
        std::to_string(supplier));
  };

  // Two postings create and then reuse the accounts in one transaction that rolls back.
  CHECK_THROWS_WITH(
      pool.run_blocking(
          [&](mysql::Session& session) {
            REQUIRE(huicai::settlement::post(session, acceptance(supplier, random_id())));
            REQUIRE(huicai::settlement::post(session, acceptance(supplier, random_id())));
            throw std::runtime_error("rolled back");
          },
          true),
      "rolled back");
  CHECK(scalar(accounts_of_supplier) == 0);

  // The next posting creates them again and commits; the one after finds them remembered.
  const std::int64_t fulfilment = random_id();
  const auto first = pool.run_blocking(
      [&](mysql::Session& session) {
        return huicai::settlement::post(session, acceptance(supplier, fulfilment));
      },
      true);
  REQUIRE(first);
  CHECK(scalar(accounts_of_supplier) == 2);
  CHECK(named_right(*first) == 2);
  const auto reversal = pool.run_blocking(
      [&](mysql::Session& session) {
        return huicai::settlement::reverse_posting(session, *first, "account id test");
      },
      true);
  REQUIRE(reversal);
  CHECK(named_right(*reversal) == 2);
  CHECK(scalar(accounts_of_supplier) == 2);
  // Posted and reversed: the supplier's accounts are back at zero.
  CHECK(scalar("SELECT COALESCE(SUM(IF(side = 'D', amount_fen, -amount_fen)), 0) FROM "
               "settlement_entries WHERE supplier_id = " +
               std::to_string(supplier)) == 0);
  pool.close();
}
