#include "grants.hpp"

#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "order_events.hpp"

namespace huicai::ordering {
namespace {

std::string key_sql(FundSource source) {
  return source == FundSource::allowance ? "account_id = ? AND allowance_year = ?"
                                         : "unit_id = ? AND budget_year = ?";
}

[[noreturn]] void not_found(const char* what) {
  throw http::Problem(404, "not-found", "Not found", what);
}

// 404 unless the caller's scope on this route reaches `unit_path`.
void require_in_scope(const http::Request& request, const std::string& unit_path) {
  auth::Owner owner;
  owner.unit_path = unit_path;
  request.require_access(owner, true);
}

boost::json::object read_balance_row(mysql::Session& session, const GrantTarget& target) {
  auto balance = read_balance(session, target.source, target.key, target.year);
  if (!balance) throw std::logic_error("a balance row vanished inside its transaction");
  return *balance;
}

// Moves `delta_fen` of the child's grant between the parent's available balance and what the
// parent handed down. A cut gives back at most what the parent handed down: a child funded
// before budgets were delegated never took its money from the parent.
void move_parent_share(mysql::Session& session, std::int64_t parent_unit_id, int year,
                       std::int64_t delta_fen) {
  if (delta_fen > 0) {
    auto& take = session.prepare(
        "UPDATE ordering_unit_budgets SET available_fen = available_fen - ?, delegated_fen = "
        "delegated_fen + ?, version = version + 1, updated_at = NOW(6) WHERE unit_id = ? AND "
        "budget_year = ? AND available_fen >= ?");
    mysql::bind(take, delta_fen, delta_fen, parent_unit_id, year, delta_fen);
    if (take.executeUpdate() != 1) {
      throw http::Problem(409, "parent-budget-insufficient", "Parent budget insufficient",
                          "a unit's budget comes out of its parent unit's budget for the year, "
                          "which has less available than this grant adds")
          .with("parent_unit_id", parent_unit_id)
          .with("needed_fen", delta_fen)
          .with("year", year);
    }
  } else if (delta_fen < 0) {
    auto& give_back = session.prepare(
        "UPDATE ordering_unit_budgets SET available_fen = available_fen + LEAST(?, "
        "delegated_fen), delegated_fen = delegated_fen - LEAST(?, delegated_fen), version = "
        "version + 1, updated_at = NOW(6) WHERE unit_id = ? AND budget_year = ?");
    mysql::bind(give_back, -delta_fen, -delta_fen, parent_unit_id, year);
    give_back.executeUpdate();  // no parent budget: nothing was handed down
  }
}

}  // namespace

std::optional<boost::json::object> read_balance(mysql::Session& session, FundSource source,
                                                std::int64_t key, int year) {
  const bool allowance = source == FundSource::allowance;
  auto& select = session.prepare(std::string("SELECT granted_fen, ") +
                                 (allowance ? "0 AS delegated_fen" : "delegated_fen") +
                                 ", available_fen, held_fen, spent_fen, unit_path, version FROM " +
                                 std::string(table_of(source)) + " WHERE " + key_sql(source));
  mysql::bind(select, key, year);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  boost::json::object balance{{"granted_fen", row->getInt64("granted_fen")}};
  if (!allowance) balance["delegated_fen"] = row->getInt64("delegated_fen");
  balance["available_fen"] = row->getInt64("available_fen");
  balance["held_fen"] = row->getInt64("held_fen");
  balance["spent_fen"] = row->getInt64("spent_fen");
  balance["unit_path"] = mysql::get_string(*row, "unit_path");
  balance["version"] = row->getInt64("version");
  return balance;
}

void refuse_own_grant(const http::Request& request, const GrantTarget& target) {
  const auto& caller = request.caller();
  if (target.source == FundSource::unit_budget && caller.unit_id &&
      static_cast<std::int64_t>(*caller.unit_id) == target.key) {
    throw http::Problem(403, "own-unit-grant", "Cannot grant your own unit",
                        "a unit's budget is granted by the unit above it or by finance");
  }
  if (target.source == FundSource::allowance &&
      static_cast<std::int64_t>(caller.account_id) == target.key) {
    throw http::Problem(403, "own-account-grant", "Cannot grant your own allowance",
                        "an allowance is granted by someone other than its holder");
  }
}

std::string_view table_of(FundSource source) {
  return source == FundSource::allowance ? "ordering_allowances" : "ordering_unit_budgets";
}

std::string target_text(const GrantTarget& target) {
  return std::to_string(target.key) + "/" + std::to_string(target.year);
}

GrantTarget budget_target(mysql::Session& session, const http::Request& request,
                          std::int64_t unit_id, int year) {
  auto unit = read_org_unit(session, unit_id);
  if (!unit) not_found("no such unit");
  require_in_scope(request, unit->unit_path);
  return GrantTarget{FundSource::unit_budget, unit_id, year, *unit};
}

GrantTarget allowance_target(mysql::Session& session, const http::Request& request,
                             std::int64_t account_id, int year) {
  auto account = read_directory_account(session, account_id);
  if (!account || !account->unit_id) not_found("no such account in your units");
  require_in_scope(request, account->unit_path);
  auto unit = read_org_unit(session, *account->unit_id);
  if (!unit) not_found("no such account in your units");
  return GrantTarget{FundSource::allowance, account_id, year, *unit};
}

std::int64_t lock_granted(mysql::Session& session, const http::Request& request,
                          const GrantTarget& target) {
  auto& select =
      session.prepare("SELECT unit_path, granted_fen FROM " + std::string(table_of(target.source)) +
                      " WHERE " + key_sql(target.source) + " FOR UPDATE");
  mysql::bind(select, target.key, target.year);
  auto row = mysql::query(select);
  if (!row->next()) return 0;
  // The row as filed: an allowance filed under another tenant's unit stays out of reach even
  // when its employee moved into the caller's units.
  require_in_scope(request, mysql::get_string(*row, "unit_path"));
  return row->getInt64("granted_fen");
}

boost::json::object apply_grant(mysql::Session& session, const http::Request& request,
                                const GrantTarget& target, std::int64_t granted_fen) {
  const std::string table(table_of(target.source));
  auto& exists = session.prepare("SELECT granted_fen FROM " + table + " WHERE " +
                                 key_sql(target.source) + " FOR UPDATE");
  mysql::bind(exists, target.key, target.year);
  auto row = mysql::query(exists);
  const bool had_row = row->next();
  const std::int64_t previous = had_row ? row->getInt64("granted_fen") : 0;
  const bool allowance = target.source == FundSource::allowance;
  if (!allowance && target.unit.parent_unit_id) {
    // The child's row is locked already: every grant locks child before parent, up the tree.
    move_parent_share(session, *target.unit.parent_unit_id, target.year, granted_fen - previous);
  }
  if (had_row) {
    // The row moves with its employee's unit (the scope was checked on both by the caller).
    auto& update = session.prepare(
        "UPDATE " + table +
        " SET available_fen = available_fen + (? - granted_fen), granted_fen = ?, unit_path = ?, " +
        (allowance ? "unit_id = ?, " : "") + "version = version + 1, updated_at = NOW(6) WHERE " +
        key_sql(target.source) + " AND available_fen + (? - granted_fen) >= 0");
    if (allowance) {
      mysql::bind(update, granted_fen, granted_fen, target.unit.unit_path, target.unit.unit_id,
                  target.key, target.year, granted_fen);
    } else {
      mysql::bind(update, granted_fen, granted_fen, target.unit.unit_path, target.key, target.year,
                  granted_fen);
    }
    if (update.executeUpdate() != 1) {
      throw http::Problem(409, "grant-below-committed", "Grant below what is committed",
                          "orders already hold or spent more than the new grant allows");
    }
  } else {
    auto& insert = session.prepare(
        allowance ? "INSERT INTO ordering_allowances (account_id, allowance_year, unit_id, "
                    "unit_path, granted_fen, available_fen) VALUES (?, ?, ?, ?, ?, ?)"
                  : "INSERT INTO ordering_unit_budgets (unit_id, budget_year, unit_path, "
                    "granted_fen, available_fen) VALUES (?, ?, ?, ?, ?)");
    if (allowance) {
      mysql::bind(insert, target.key, target.year, target.unit.unit_id, target.unit.unit_path,
                  granted_fen, granted_fen);
    } else {
      mysql::bind(insert, target.key, target.year, target.unit.unit_path, granted_fen, granted_fen);
    }
    insert.executeUpdate();
  }
  auto balance = read_balance_row(session, target);
  const std::string before =
      had_row ? boost::json::serialize(boost::json::object{{"granted_fen", previous}}) : "";
  const audit::Change change{
      allowance ? "allowance.set" : "unit_budget.set", allowance ? "allowance" : "unit_budget",
      target_text(target), before,
      audit::summary(balance, {"granted_fen", "available_fen", "unit_path"})};
  audit::record_privileged(session, kOutboxTable, kProducer, request, change);
  return balance;
}

}  // namespace huicai::ordering
