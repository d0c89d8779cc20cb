// Fund sources other than the payment channel: unit budgets per year, the unit's approval
// threshold, and employees' union welfare allowances per year. Changing a grant moves the
// available balance by the difference, and never below what orders already hold or spent.
#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "service_state.hpp"

namespace huicai::ordering {
namespace {

using auth::Role;
using auth::Scope;

struct GrantBody {
  std::int64_t granted_fen = 0;
  std::optional<std::string> unit_path;  // for a unit below the caller's own, or by finance
  std::optional<std::int64_t> unit_id;   // allowances: the employee's unit (default: caller's)
};
BOOST_DESCRIBE_STRUCT(GrantBody, (), (granted_fen, unit_path, unit_id))
struct SettingsBody {
  std::int64_t approval_threshold_fen = 0;
  std::optional<std::string> unit_path;
};
BOOST_DESCRIBE_STRUCT(SettingsBody, (), (approval_threshold_fen, unit_path))

constexpr std::int64_t kMaxGrant = 100'000'000'000'000;  // 1万亿 yuan: far above any budget

int path_year(const http::Request& request) {
  const auto year = path_id(request, "year");
  if (year < 2000 || year > 2100)
    throw http::Problem(404, "not-found", "Not found", "no such year");
  return static_cast<int>(year);
}

// The unit path a new row is filed under: the caller's own unit, or the one named in the body
// (which the access rule then has to reach).
std::string unit_path_for(const http::Request& request, std::int64_t unit_id,
                          const std::optional<std::string>& given) {
  const auto& caller = request.caller();
  if (caller.unit_id && static_cast<std::int64_t>(*caller.unit_id) == unit_id) {
    return caller.unit_path;
  }
  if (!given || given->empty() || given->front() != '/' || given->back() != '/') {
    throw_validation_failed({{"unit_path", "is required for a unit other than your own"}});
  }
  return *given;
}

boost::json::object balance_json(sql::ResultSet& row) {
  return boost::json::object{{"granted_fen", row.getInt64("granted_fen")},
                             {"available_fen", row.getInt64("available_fen")},
                             {"held_fen", row.getInt64("held_fen")},
                             {"spent_fen", row.getInt64("spent_fen")},
                             {"unit_path", mysql::get_string(row, "unit_path")},
                             {"version", row.getInt64("version")}};
}

// Sets a grant on an existing or new balance row, in one transaction, and audits it as
// `audit_action` on `audit_target` ("<key>/<year>").
boost::json::object set_grant(mysql::Session& session, const http::Request& request,
                              const std::string& table, const std::string& key_sql,
                              std::int64_t key, int year, std::int64_t granted_fen,
                              const std::string& new_row_path, std::int64_t new_row_unit_id,
                              const std::string& audit_action, const std::string& audit_target) {
  auto& select = session.prepare("SELECT unit_path, granted_fen FROM " + table + " WHERE " +
                                 key_sql + " FOR UPDATE");
  mysql::bind(select, key, year);
  auto row = mysql::query(select);
  auth::Owner owner;
  std::string before;  // no row before: nothing was granted
  if (row->next()) {
    before =
        boost::json::serialize(boost::json::object{{"granted_fen", row->getInt64("granted_fen")}});
    owner.unit_path = mysql::get_string(*row, "unit_path");
    request.require_access(owner);
    auto& update = session.prepare(
        "UPDATE " + table +
        " SET available_fen = available_fen + (? - granted_fen), granted_fen = ?, version = "
        "version + 1, updated_at = NOW(6) WHERE " +
        key_sql + " AND available_fen + (? - granted_fen) >= 0");
    mysql::bind(update, granted_fen, granted_fen, key, year, granted_fen);
    if (update.executeUpdate() != 1) {
      throw http::Problem(409, "grant-below-committed", "Grant below what is committed",
                          "orders already hold or spent more than the new grant allows");
    }
  } else {
    owner.unit_path = new_row_path;
    request.require_access(owner);
    const bool allowance = table == "ordering_allowances";
    auto& insert = session.prepare(
        allowance ? "INSERT INTO ordering_allowances (account_id, allowance_year, unit_id, "
                    "unit_path, granted_fen, available_fen) VALUES (?, ?, ?, ?, ?, ?)"
                  : "INSERT INTO ordering_unit_budgets (unit_id, budget_year, unit_path, "
                    "granted_fen, available_fen) VALUES (?, ?, ?, ?, ?)");
    if (allowance) {
      mysql::bind(insert, key, year, new_row_unit_id, new_row_path, granted_fen, granted_fen);
    } else {
      mysql::bind(insert, key, year, new_row_path, granted_fen, granted_fen);
    }
    insert.executeUpdate();
  }
  auto& reread = session.prepare(
      "SELECT granted_fen, available_fen, held_fen, spent_fen, unit_path, version FROM " + table +
      " WHERE " + key_sql);
  mysql::bind(reread, key, year);
  auto fresh = mysql::query(reread);
  fresh->next();
  auto balance = balance_json(*fresh);
  const audit::Change change{
      audit_action, table == "ordering_allowances" ? "allowance" : "unit_budget", audit_target,
      before, audit::summary(balance, {"granted_fen", "available_fen", "unit_path"})};
  audit::record_privileged(session, kOutboxTable, kProducer, request, change);
  return balance;
}

std::optional<boost::json::object> read_balance(mysql::Session& session, const std::string& table,
                                                const std::string& key_sql, std::int64_t key,
                                                int year) {
  auto& select = session.prepare(
      "SELECT granted_fen, available_fen, held_fen, spent_fen, unit_path, version FROM " + table +
      " WHERE " + key_sql);
  mysql::bind(select, key, year);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  return balance_json(*row);
}

}  // namespace

void add_fund_routes(http::Router& router, State state) {
  const std::string budget_key = "unit_id = ? AND budget_year = ?";
  const std::string allowance_key = "account_id = ? AND allowance_year = ?";

  router.add(http::Route{
      http::Method::put,
      "/v1/units/{unit_id}/budgets/{year}",
      "ordering",
      auth::AccessRule::roles(
          {{Role::unit_admin, Scope::unit_subtree}, {Role::finance, Scope::any}}),
      [state, budget_key](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto unit_id = path_id(request, "unit_id");
        const int year = path_year(request);
        const auto body = decode_json<GrantBody>(request.body);
        Validator check;
        check.require(body.granted_fen >= 0 && body.granted_fen <= kMaxGrant, "granted_fen",
                      "must be between 0 and 10^14 fen");
        check.throw_if_any();
        const auto path = unit_path_for(request, unit_id, body.unit_path);
        auto balance = co_await state->context.db().transaction([&](mysql::Session& session) {
          return set_grant(session, request, "ordering_unit_budgets", budget_key, unit_id, year,
                           body.granted_fen, path, unit_id, "unit_budget.set",
                           std::to_string(unit_id) + "/" + std::to_string(year));
        });
        balance["unit_id"] = unit_id;
        balance["year"] = year;
        co_return http::Response::json(200, balance);
      },
      {}});

  router.add(http::Route{
      http::Method::get,
      "/v1/units/{unit_id}/budgets/{year}",
      "ordering",
      auth::AccessRule::roles({{Role::unit_buyer, Scope::own_unit},
                               {Role::unit_approver, Scope::own_unit},
                               {Role::unit_admin, Scope::unit_subtree},
                               {Role::finance, Scope::any},
                               {Role::auditor, Scope::any}}),
      [state, budget_key](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto unit_id = path_id(request, "unit_id");
        const int year = path_year(request);
        auto balance = co_await state->context.db().run([&](mysql::Session& session) {
          return read_balance(session, "ordering_unit_budgets", budget_key, unit_id, year);
        });
        if (!balance) throw http::Problem(404, "not-found", "Not found", "no budget for that year");
        auth::Owner owner;
        owner.unit_path = std::string(balance->at("unit_path").as_string());
        request.require_access(owner, true);
        (*balance)["unit_id"] = unit_id;
        (*balance)["year"] = year;
        co_return http::Response::json(200, *balance);
      },
      {}});

  router.add(http::Route{
      http::Method::put,
      "/v1/units/{unit_id}/ordering-settings",
      "ordering",
      auth::AccessRule::roles({{Role::unit_admin, Scope::unit_subtree}}),
      [state](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto unit_id = path_id(request, "unit_id");
        const auto body = decode_json<SettingsBody>(request.body);
        Validator check;
        check.require(body.approval_threshold_fen >= 0 && body.approval_threshold_fen <= kMaxGrant,
                      "approval_threshold_fen", "must be between 0 and 10^14 fen");
        check.throw_if_any();
        const auto path = unit_path_for(request, unit_id, body.unit_path);
        auth::Owner owner;
        owner.unit_path = path;
        request.require_access(owner);
        co_await state->context.db().transaction([&](mysql::Session& session) {
          // The previous threshold, locked, for the audit summary.
          auto& select = session.prepare(
              "SELECT approval_threshold_fen FROM ordering_unit_settings WHERE unit_id = ? FOR "
              "UPDATE");
          mysql::bind(select, unit_id);
          auto previous = mysql::query(select);
          std::string before;
          if (previous->next()) {
            before = boost::json::serialize(boost::json::object{
                {"approval_threshold_fen", previous->getInt64("approval_threshold_fen")}});
          }
          auto& upsert = session.prepare(
              "INSERT INTO ordering_unit_settings (unit_id, unit_path, approval_threshold_fen) "
              "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE approval_threshold_fen = "
              "VALUES(approval_threshold_fen), updated_at = NOW(6)");
          mysql::bind(upsert, unit_id, path, body.approval_threshold_fen);
          upsert.executeUpdate();
          const audit::Change change{
              "unit_settings.updated", "unit", std::to_string(unit_id), before,
              boost::json::serialize(
                  boost::json::object{{"approval_threshold_fen", body.approval_threshold_fen}})};
          audit::record_privileged(session, kOutboxTable, kProducer, request, change);
        });
        co_return http::Response::json(
            200, boost::json::object{{"unit_id", unit_id},
                                     {"approval_threshold_fen", body.approval_threshold_fen}});
      },
      {}});

  router.add(http::Route{
      http::Method::put,
      "/v1/allowances/{account_id}/{year}",
      "ordering",
      auth::AccessRule::roles({{Role::unit_admin, Scope::unit_subtree}}),
      [state, allowance_key](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto account_id = path_id(request, "account_id");
        const int year = path_year(request);
        const auto body = decode_json<GrantBody>(request.body);
        Validator check;
        check.require(body.granted_fen >= 0 && body.granted_fen <= kMaxGrant, "granted_fen",
                      "must be between 0 and 10^14 fen");
        check.throw_if_any();
        const auto& caller = request.caller();
        const std::int64_t unit_id =
            body.unit_id.value_or(caller.unit_id ? static_cast<std::int64_t>(*caller.unit_id) : 0);
        const auto path = unit_path_for(request, unit_id, body.unit_path);
        auto balance = co_await state->context.db().transaction([&](mysql::Session& session) {
          return set_grant(session, request, "ordering_allowances", allowance_key, account_id, year,
                           body.granted_fen, path, unit_id, "allowance.set",
                           std::to_string(account_id) + "/" + std::to_string(year));
        });
        balance["account_id"] = account_id;
        balance["year"] = year;
        co_return http::Response::json(200, balance);
      },
      {}});

  router.add(http::Route{
      http::Method::get,
      "/v1/allowances/{account_id}/{year}",
      "ordering",
      auth::AccessRule::roles({{Role::employee, Scope::own_account},
                               {Role::unit_admin, Scope::unit_subtree},
                               {Role::finance, Scope::any},
                               {Role::auditor, Scope::any}}),
      [state, allowance_key](http::Request& request) -> boost::asio::awaitable<http::Response> {
        const auto account_id = path_id(request, "account_id");
        const int year = path_year(request);
        auto balance = co_await state->context.db().run([&](mysql::Session& session) {
          return read_balance(session, "ordering_allowances", allowance_key, account_id, year);
        });
        if (!balance)
          throw http::Problem(404, "not-found", "Not found", "no allowance for that year");
        auth::Owner owner;
        owner.account_id = static_cast<std::uint64_t>(account_id);
        owner.unit_path = std::string(balance->at("unit_path").as_string());
        request.require_access(owner, true);
        (*balance)["account_id"] = account_id;
        (*balance)["year"] = year;
        co_return http::Response::json(200, *balance);
      },
      {}});
}

}  // namespace huicai::ordering
