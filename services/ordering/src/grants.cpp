#include "grants.hpp"

#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

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
  auto& select = session.prepare(
      "SELECT granted_fen, available_fen, held_fen, spent_fen, unit_path, version FROM " +
      std::string(table_of(target.source)) + " WHERE " + key_sql(target.source));
  mysql::bind(select, target.key, target.year);
  auto row = mysql::query(select);
  row->next();
  return boost::json::object{{"granted_fen", row->getInt64("granted_fen")},
                             {"available_fen", row->getInt64("available_fen")},
                             {"held_fen", row->getInt64("held_fen")},
                             {"spent_fen", row->getInt64("spent_fen")},
                             {"unit_path", mysql::get_string(*row, "unit_path")},
                             {"version", row->getInt64("version")}};
}

}  // namespace

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
