#include "fund_ledger.hpp"

#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>
#include <string>

namespace huicai::ordering {
namespace {

// Each movement moves money between two buckets of the balance row, only if the source bucket
// holds enough.
struct BucketMove {
  const char* from;
  const char* to;
};
BucketMove buckets(Movement movement) {
  switch (movement) {
    case Movement::hold:
      return {"available_fen", "held_fen"};
    case Movement::capture:
      return {"held_fen", "spent_fen"};
    case Movement::release:
      return {"held_fen", "available_fen"};
    case Movement::refund:
      return {"spent_fen", "available_fen"};
  }
  throw std::logic_error("unknown movement");
}

std::string update_sql(FundSource source, Movement movement) {
  const auto [from, to] = buckets(movement);
  const std::string table =
      source == FundSource::allowance ? "ordering_allowances" : "ordering_unit_budgets";
  const std::string key = source == FundSource::allowance ? "account_id = ? AND allowance_year = ?"
                                                          : "unit_id = ? AND budget_year = ?";
  return "UPDATE " + table + " SET " + from + " = " + from + " - ?, " + to + " = " + to +
         " + ?, version = version + 1, updated_at = NOW(6) WHERE " + key + " AND " + from + " >= ?";
}

}  // namespace

std::string_view to_string(Movement movement) {
  switch (movement) {
    case Movement::hold:
      return "hold";
    case Movement::capture:
      return "capture";
    case Movement::release:
      return "release";
    case Movement::refund:
      return "refund";
  }
  return "unknown";
}

std::int64_t lock_allowance_available(mysql::Session& session, std::int64_t account_id, int year) {
  auto& select = session.prepare(
      "SELECT available_fen FROM ordering_allowances WHERE account_id = ? AND allowance_year = ? "
      "FOR UPDATE");
  mysql::bind(select, account_id, year);
  auto row = mysql::query(select);
  return row->next() ? row->getInt64("available_fen") : 0;
}

void move_funds(mysql::Session& session, std::int64_t order_id, const FundAccount& account,
                FundSource source, Movement movement, std::int64_t amount_fen,
                std::optional<std::int64_t> refund_id) {
  if (amount_fen <= 0) return;
  if (source != FundSource::personal) {
    std::int64_t key = 0;
    if (source == FundSource::allowance) {
      key = account.buyer_account_id;
    } else if (account.unit_id) {
      key = *account.unit_id;
    } else {
      throw std::logic_error("unit budget movement without a unit");
    }
    auto& update = session.prepare(update_sql(source, movement));
    mysql::bind(update, amount_fen, amount_fen, key, account.year, amount_fen);
    if (update.executeUpdate() != 1) {
      if (movement == Movement::hold) {
        const bool allowance = source == FundSource::allowance;
        throw http::Problem(409, allowance ? "allowance-insufficient" : "budget-insufficient",
                            allowance ? "Allowance insufficient" : "Budget insufficient",
                            allowance ? "the union welfare allowance does not cover this order"
                                      : "the unit budget does not cover this order")
            .with("needed_fen", amount_fen)
            .with("year", account.year);
      }
      throw std::logic_error("fund movement " + std::string(to_string(movement)) + " of " +
                             std::string(to_string(source)) + " does not fit the balance");
    }
  }
  auto& insert = session.prepare(
      "INSERT INTO ordering_fund_movements (order_id, source, kind, amount_fen, refund_id) "
      "VALUES (?, ?, ?, ?, ?)");
  mysql::bind(insert, order_id, to_string(source), to_string(movement), amount_fen, refund_id);
  insert.executeUpdate();
}

}  // namespace huicai::ordering
