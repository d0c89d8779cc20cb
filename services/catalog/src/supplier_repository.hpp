#pragma once
// SQL for catalog_suppliers.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>

namespace huicai::catalog {

struct SupplierFields {
  std::optional<std::string> name;
  std::optional<std::string> kind;
  std::optional<std::int64_t> county_id;
  std::optional<std::string> credit_code;
  std::optional<std::string> contact_name;
  std::optional<std::string> contact_phone;
  std::optional<std::string> address;
  std::optional<std::string> bank_name;
  std::optional<std::string> bank_account_name;
  std::optional<std::string> bank_account_number;
};

struct SupplierFilter {
  std::optional<std::int64_t> county_id;
  std::optional<std::int64_t> supplier_id;
  std::optional<std::string> status;
  std::int64_t after_id = 0;
  int limit = 50;
};

// show_bank_account: false masks the account number (everyone but finance).
std::optional<boost::json::object> find_supplier(mysql::Session& session, std::int64_t id,
                                                 bool show_bank_account);
boost::json::array list_suppliers(mysql::Session& session, const SupplierFilter& filter,
                                  bool show_bank_account);
std::optional<std::int64_t> find_supplier_id(mysql::Session& session, std::int64_t county_id,
                                             const std::string& name);
// insert_supplier and update_supplier never write the bank account: it changes only through a
// confirmed bank account change (bank_account_changes.hpp). actor 0: created without an account
// (a self-application).
std::int64_t insert_supplier(mysql::Session& session, const SupplierFields& fields,
                             const std::string& status, std::int64_t actor,
                             std::optional<std::int64_t> explicit_id = std::nullopt);
int update_supplier(mysql::Session& session, std::int64_t id,
                    std::optional<std::int64_t> expected_version, const SupplierFields& fields);
// Compare-and-set of the onboarding status. `actor_column` records who did it.
int move_supplier(mysql::Session& session, std::int64_t id,
                  std::optional<std::int64_t> expected_version, const std::string& from_csv,
                  const std::string& to, const std::optional<std::string>& reason,
                  const char* actor_column, std::int64_t actor);

}  // namespace huicai::catalog
