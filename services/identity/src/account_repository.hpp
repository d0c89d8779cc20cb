#pragma once
// SQL for accounts and their roles (identity_accounts, identity_account_roles). Blocking
// functions on a pool Session.

#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/auth/roles.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::identity {

struct RoleAssignment {
  auth::Role role = auth::Role::employee;
  std::optional<std::uint64_t> unit_id;
  std::optional<std::uint64_t> supplier_id;
  std::optional<std::uint64_t> county_id;
};

struct Account {
  std::uint64_t id = 0;
  std::string login;
  std::string display_name;
  std::string password_hash;
  std::optional<std::uint64_t> unit_id;
  std::string unit_path;  // "" without a unit
  std::string status;     // active, disabled
  std::vector<RoleAssignment> roles;
};

// Roles scoped to the account's unit; the others are global or carry a supplier / county.
bool is_unit_role(auth::Role role);

// Lower-cases ASCII: logins are case-insensitive and stored lower-case.
std::string normalize_login(std::string_view login);

std::optional<Account> find_account(mysql::Session& session, std::uint64_t id,
                                    bool for_update = false);
std::optional<Account> find_account_by_login(mysql::Session& session, const std::string& login);

// Throws Problem 409 "login-taken" when the login exists. `created_by`: the account that
// created it through the API (none for the CLI and the demo loader).
std::uint64_t insert_account(mysql::Session& session, const std::string& login,
                             const std::string& display_name, const std::string& password_hash,
                             std::optional<std::uint64_t> unit_id,
                             std::optional<std::uint64_t> created_by = std::nullopt);

// False when the account already holds the role.
bool insert_role(mysql::Session& session, std::uint64_t account_id,
                 const RoleAssignment& assignment, std::optional<std::uint64_t> granted_by);
// False when the account did not hold the role.
bool delete_role(mysql::Session& session, std::uint64_t account_id, auth::Role role);

// Compare-and-set on the old hash when given (password change, rehash), unconditional when not
// (reset). False when the hash changed in between.
bool update_password(mysql::Session& session, std::uint64_t account_id,
                     const std::optional<std::string>& expected_hash, const std::string& new_hash);

// The principal a token carries for this account.
auth::Principal principal_of(const Account& account);

boost::json::object to_json(const Account& account);
boost::json::object to_json(const RoleAssignment& assignment);

}  // namespace huicai::identity
