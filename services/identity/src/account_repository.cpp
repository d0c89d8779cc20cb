#include "account_repository.hpp"

#include <cppconn/exception.h>

#include <boost/json/array.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::identity {

namespace {

constexpr const char* kSelectAccount =
    "SELECT a.id, a.login, a.display_name, a.password_hash, a.unit_id, "
    "COALESCE(u.path, '') AS unit_path, a.status "
    "FROM identity_accounts a LEFT JOIN identity_org_units u ON u.id = a.unit_id ";

std::optional<std::uint64_t> optional_id(sql::ResultSet& row, const char* column) {
  auto value = mysql::get_optional_int64(row, column);
  if (!value) return std::nullopt;
  return static_cast<std::uint64_t>(*value);
}

void load_roles(mysql::Session& session, Account& account) {
  auto& select = session.prepare(
      "SELECT role, unit_id, supplier_id, county_id FROM identity_account_roles "
      "WHERE account_id = ? ORDER BY role");
  mysql::bind(select, account.id);
  auto rows = mysql::query(select);
  while (rows->next()) {
    auto role = auth::role_from_string(mysql::get_string(*rows, "role"));
    if (!role) continue;  // a role this build does not know grants nothing
    account.roles.push_back(RoleAssignment{*role, optional_id(*rows, "unit_id"),
                                           optional_id(*rows, "supplier_id"),
                                           optional_id(*rows, "county_id")});
  }
}

std::optional<Account> first_account(mysql::Session& session, sql::PreparedStatement& select) {
  auto rows = mysql::query(select);
  if (!rows->next()) return std::nullopt;
  Account account;
  account.id = rows->getUInt64("id");
  account.login = mysql::get_string(*rows, "login");
  account.display_name = mysql::get_string(*rows, "display_name");
  account.password_hash = mysql::get_string(*rows, "password_hash");
  account.unit_id = optional_id(*rows, "unit_id");
  account.unit_path = mysql::get_string(*rows, "unit_path");
  account.status = mysql::get_string(*rows, "status");
  rows.reset();
  load_roles(session, account);
  return account;
}

boost::json::value json_id(const std::optional<std::uint64_t>& id) {
  if (id) return *id;
  return nullptr;
}

}  // namespace

bool is_unit_role(auth::Role role) {
  using auth::Role;
  return role == Role::employee || role == Role::unit_buyer || role == Role::unit_approver ||
         role == Role::unit_admin;
}

std::string normalize_login(std::string_view login) {
  std::string normalized(login);
  for (char& c : normalized) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return normalized;
}

std::optional<Account> find_account(mysql::Session& session, std::uint64_t id, bool for_update) {
  auto& select = session.prepare(std::string(kSelectAccount) + "WHERE a.id = ?" +
                                 (for_update ? " FOR UPDATE" : ""));
  mysql::bind(select, id);
  return first_account(session, select);
}

std::optional<Account> find_account_by_login(mysql::Session& session, const std::string& login) {
  auto& select = session.prepare(std::string(kSelectAccount) + "WHERE a.login = ?");
  mysql::bind(select, login);
  return first_account(session, select);
}

std::uint64_t insert_account(mysql::Session& session, const std::string& login,
                             const std::string& display_name, const std::string& password_hash,
                             std::optional<std::uint64_t> unit_id,
                             std::optional<std::uint64_t> created_by) {
  auto& insert = session.prepare(
      "INSERT INTO identity_accounts (login, display_name, password_hash, unit_id, "
      "created_by_account_id, password_changed_at) VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6))");
  mysql::bind(insert, login, display_name, password_hash, unit_id, created_by);
  try {
    insert.executeUpdate();
  } catch (const sql::SQLException& error) {
    if (error.getErrorCode() == mysql::kErrorDuplicateKey) {
      throw http::Problem(409, "login-taken", "Login already exists",
                          "another account has the login " + login);
    }
    throw;
  }
  auto& last = session.prepare("SELECT LAST_INSERT_ID() AS id");
  auto rows = mysql::query(last);
  rows->next();
  return rows->getUInt64("id");
}

bool insert_role(mysql::Session& session, std::uint64_t account_id,
                 const RoleAssignment& assignment, std::optional<std::uint64_t> granted_by) {
  auto& insert = session.prepare(
      "INSERT IGNORE INTO identity_account_roles "
      "(account_id, role, unit_id, supplier_id, county_id, granted_by_account_id) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, account_id, auth::to_string(assignment.role), assignment.unit_id,
              assignment.supplier_id, assignment.county_id, granted_by);
  return insert.executeUpdate() == 1;
}

bool delete_role(mysql::Session& session, std::uint64_t account_id, auth::Role role) {
  auto& remove =
      session.prepare("DELETE FROM identity_account_roles WHERE account_id = ? AND role = ?");
  mysql::bind(remove, account_id, auth::to_string(role));
  return remove.executeUpdate() == 1;
}

bool update_password(mysql::Session& session, std::uint64_t account_id,
                     const std::optional<std::string>& expected_hash, const std::string& new_hash) {
  std::string sql =
      "UPDATE identity_accounts SET password_hash = ?, password_changed_at = UTC_TIMESTAMP(6), "
      "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
  if (expected_hash) sql += " AND password_hash = ?";
  auto& update = session.prepare(sql);
  if (expected_hash) {
    mysql::bind(update, new_hash, account_id, *expected_hash);
  } else {
    mysql::bind(update, new_hash, account_id);
  }
  return update.executeUpdate() == 1;
}

auth::Principal principal_of(const Account& account) {
  auth::Principal principal;
  principal.account_id = account.id;
  principal.login = account.login;
  principal.unit_id = account.unit_id;
  principal.unit_path = account.unit_path;
  for (const RoleAssignment& assignment : account.roles) {
    principal.roles.push_back(assignment.role);
    if (assignment.role == auth::Role::supplier_staff)
      principal.supplier_id = assignment.supplier_id;
    if (assignment.role == auth::Role::county_officer) principal.county_id = assignment.county_id;
  }
  return principal;
}

boost::json::object to_json(const RoleAssignment& assignment) {
  return {{"role", auth::to_string(assignment.role)},
          {"unit_id", json_id(assignment.unit_id)},
          {"supplier_id", json_id(assignment.supplier_id)},
          {"county_id", json_id(assignment.county_id)}};
}

boost::json::object to_json(const Account& account) {
  boost::json::array roles;
  for (const RoleAssignment& assignment : account.roles) roles.push_back(to_json(assignment));
  return {{"id", account.id},
          {"login", account.login},
          {"display_name", account.display_name},
          {"unit_id", json_id(account.unit_id)},
          {"unit_path", account.unit_path},
          {"status", account.status},
          {"roles", std::move(roles)}};
}

}  // namespace huicai::identity
