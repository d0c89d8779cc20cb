#include "org_view.hpp"

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::ordering {

std::optional<OrgUnit> read_org_unit(mysql::Session& session, std::int64_t unit_id) {
  auto& select = session.prepare(
      "SELECT unit_id, parent_unit_id, unit_path FROM identity_org_unit_directory WHERE "
      "unit_id = ?");
  mysql::bind(select, unit_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  OrgUnit unit;
  unit.unit_id = row->getInt64("unit_id");
  unit.parent_unit_id = mysql::get_optional_int64(*row, "parent_unit_id");
  unit.unit_path = mysql::get_string(*row, "unit_path");
  return unit;
}

std::optional<DirectoryAccount> read_directory_account(mysql::Session& session,
                                                       std::int64_t account_id) {
  auto& select = session.prepare(
      "SELECT account_id, unit_id, unit_path, created_by_account_id FROM "
      "identity_account_directory WHERE account_id = ?");
  mysql::bind(select, account_id);
  auto row = mysql::query(select);
  if (!row->next()) return std::nullopt;
  DirectoryAccount account;
  account.account_id = row->getInt64("account_id");
  account.unit_id = mysql::get_optional_int64(*row, "unit_id");
  account.unit_path = mysql::get_optional_string(*row, "unit_path").value_or("");
  account.created_by_account_id = mysql::get_optional_int64(*row, "created_by_account_id");
  return account;
}

bool created_recently_by(mysql::Session& session, std::int64_t account_id, std::int64_t creator_id,
                         int days) {
  auto& select = session.prepare(
      "SELECT COUNT(*) AS n FROM identity_account_directory WHERE account_id = ? AND "
      "created_by_account_id = ? AND created_at > NOW(6) - INTERVAL ? DAY");
  mysql::bind(select, account_id, creator_id, days);
  auto row = mysql::query(select);
  return row->next() && row->getInt64("n") > 0;
}

}  // namespace huicai::ordering
