// A posting is written only when it balances: Σ debits = Σ credits, all amounts positive.
#include <catch2/catch.hpp>
#include <cstdint>
#include <huicai/settlement/ledger.hpp>
#include <limits>

using namespace huicai::settlement;

namespace {
Entry entry(Side side, std::int64_t amount) {
  Entry result;
  result.account.kind = AccountKind::payable_due;
  result.account.supplier_id = 7;
  result.side = side;
  result.amount_fen = amount;
  return result;
}
}  // namespace

TEST_CASE("balanced postings and the ones refused", "[settlement][ledger]") {
  CHECK(
      is_balanced({entry(Side::debit, 1000), entry(Side::credit, 600), entry(Side::credit, 400)}));
  CHECK_FALSE(is_balanced({entry(Side::debit, 1000), entry(Side::credit, 999)}));
  CHECK_FALSE(is_balanced({entry(Side::debit, 0), entry(Side::credit, 0)}));
  CHECK_FALSE(is_balanced({entry(Side::debit, -5), entry(Side::credit, -5)}));
  CHECK_FALSE(is_balanced({entry(Side::debit, 5)}));
  const auto max = std::numeric_limits<std::int64_t>::max();
  CHECK_FALSE(is_balanced({entry(Side::debit, max), entry(Side::debit, 2), entry(Side::credit, max),
                           entry(Side::credit, 2)}));
}

TEST_CASE("account codes name the kind, the source and the owner", "[settlement][ledger]") {
  AccountKey budget{AccountKind::fund_source, "unit_budget", 17, 0, 0};
  CHECK(budget.code() == "fund:unit_budget:unit:17");
  AccountKey personal{AccountKind::refund, "personal", 0, 0, 0};
  CHECK(personal.code() == "refund:personal");
  AccountKey due{AccountKind::payable_due, "", 0, 5, 3};
  CHECK(due.code() == "payable_due:supplier:5");
}
