#include "supplier_repository.hpp"

#include <huicai/catalog/bank_account_mask.hpp>

#include "repository_support.hpp"

namespace huicai::catalog {
namespace {

constexpr const char* kSelect =
    "SELECT s.id, s.name, s.kind, s.county_id, c.name AS county_name, s.credit_code, s.status, "
    "s.status_reason, s.contact_name, s.contact_phone, s.address, s.bank_name, "
    "s.bank_account_name, s.bank_account_number, s.version, "
    "DATE_FORMAT(s.created_at, '%Y-%m-%dT%H:%i:%sZ') AS created_at, "
    "DATE_FORMAT(s.bank_account_confirmed_at, '%Y-%m-%dT%H:%i:%sZ') AS bank_confirmed_at, "
    "bc.id AS pending_id, bc.bank_name AS pending_bank_name, "
    "bc.bank_account_name AS pending_account_name, "
    "bc.bank_account_number AS pending_account_number, "
    "bc.requested_by_account_id AS pending_requested_by, "
    "DATE_FORMAT(bc.requested_at, '%Y-%m-%dT%H:%i:%sZ') AS pending_requested_at "
    "FROM catalog_suppliers s JOIN catalog_counties c ON c.id = s.county_id "
    "LEFT JOIN catalog_supplier_bank_changes bc ON bc.supplier_id = s.id AND bc.pending_slot = 1 ";

boost::json::object supplier_json(sql::ResultSet& row, bool show_bank_account) {
  boost::json::object supplier;
  supplier["id"] = row.getInt64("id");
  supplier["name"] = mysql::get_string(row, "name");
  supplier["kind"] = mysql::get_string(row, "kind");
  supplier["county"] = {{"id", row.getInt64("county_id")},
                        {"name", mysql::get_string(row, "county_name")}};
  supplier["credit_code"] = nullable_string(row, "credit_code");
  supplier["status"] = mysql::get_string(row, "status");
  supplier["status_reason"] = nullable_string(row, "status_reason");
  supplier["contact"] = {{"name", mysql::get_string(row, "contact_name")},
                         {"phone", mysql::get_string(row, "contact_phone")}};
  supplier["address"] = mysql::get_string(row, "address");
  boost::json::object bank;
  bank["bank_name"] = nullable_string(row, "bank_name");
  bank["account_name"] = nullable_string(row, "bank_account_name");
  const auto number = mysql::get_optional_string(row, "bank_account_number");
  if (number) {
    bank["account_number"] = show_bank_account ? *number : mask_bank_account(*number);
  } else {
    bank["account_number"] = nullptr;
  }
  bank["masked"] = !show_bank_account;
  // The account above is the confirmed one (four eyes, 0208); payouts use only a confirmed one.
  const auto confirmed_at = mysql::get_optional_string(row, "bank_confirmed_at");
  bank["confirmed"] = confirmed_at.has_value();
  bank["confirmed_at"] = confirmed_at ? boost::json::value(*confirmed_at) : nullptr;
  supplier["bank_account"] = std::move(bank);
  // What waits for an operator's or finance's confirmation, if anything.
  if (auto pending_id = mysql::get_optional_int64(row, "pending_id")) {
    boost::json::object pending;
    pending["id"] = *pending_id;
    pending["bank_name"] = nullable_string(row, "pending_bank_name");
    pending["account_name"] = nullable_string(row, "pending_account_name");
    const auto pending_number = mysql::get_optional_string(row, "pending_account_number");
    if (pending_number) {
      pending["account_number"] =
          show_bank_account ? *pending_number : mask_bank_account(*pending_number);
    } else {
      pending["account_number"] = nullptr;
    }
    pending["requested_by_account_id"] = nullable_int(row, "pending_requested_by");
    pending["requested_at"] = mysql::get_string(row, "pending_requested_at");
    supplier["pending_bank_account_change"] = std::move(pending);
  } else {
    supplier["pending_bank_account_change"] = nullptr;
  }
  supplier["version"] = row.getInt64("version");
  supplier["created_at"] = mysql::get_string(row, "created_at");
  return supplier;
}

}  // namespace

std::optional<boost::json::object> find_supplier(mysql::Session& session, std::int64_t id,
                                                 bool show_bank_account) {
  auto& select = session.prepare(std::string(kSelect) + "WHERE s.id = ?");
  auto row = mysql::query(mysql::bind(select, id));
  if (!row->next()) return std::nullopt;
  return supplier_json(*row, show_bank_account);
}

boost::json::array list_suppliers(mysql::Session& session, const SupplierFilter& filter,
                                  bool show_bank_account) {
  auto& select = session.prepare(std::string(kSelect) +
                                 "WHERE s.id > ? AND (? IS NULL OR s.county_id = ?) "
                                 "AND (? IS NULL OR s.id = ?) AND (? IS NULL OR s.status = ?) "
                                 "ORDER BY s.id LIMIT ?");
  mysql::bind(select, filter.after_id, filter.county_id, filter.county_id, filter.supplier_id,
              filter.supplier_id, filter.status, filter.status, filter.limit);
  auto rows = mysql::query(select);
  boost::json::array items;
  while (rows->next()) items.push_back(supplier_json(*rows, show_bank_account));
  return items;
}

std::optional<std::int64_t> find_supplier_id(mysql::Session& session, std::int64_t county_id,
                                             const std::string& name) {
  auto& select =
      session.prepare("SELECT id FROM catalog_suppliers WHERE county_id = ? AND name = ?");
  auto row = mysql::query(mysql::bind(select, county_id, name));
  if (!row->next()) return std::nullopt;
  return row->getInt64("id");
}

std::int64_t insert_supplier(mysql::Session& session, const SupplierFields& fields,
                             const std::string& status, std::int64_t actor,
                             std::optional<std::int64_t> explicit_id) {
  auto& insert = session.prepare(
      "INSERT INTO catalog_suppliers (id, county_id, name, kind, credit_code, status, "
      "contact_name, contact_phone, address, created_by_account_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, explicit_id, *fields.county_id, *fields.name, *fields.kind,
              fields.credit_code, status, *fields.contact_name, *fields.contact_phone,
              fields.address.value_or(""),
              actor > 0 ? std::optional<std::int64_t>(actor) : std::nullopt);
  insert.executeUpdate();
  return explicit_id ? *explicit_id : last_insert_id(session);
}

int update_supplier(mysql::Session& session, std::int64_t id,
                    std::optional<std::int64_t> expected_version, const SupplierFields& fields) {
  auto& update = session.prepare(
      "UPDATE catalog_suppliers SET name = COALESCE(?, name), kind = COALESCE(?, kind), "
      "credit_code = COALESCE(?, credit_code), contact_name = COALESCE(?, contact_name), "
      "contact_phone = COALESCE(?, contact_phone), address = COALESCE(?, address), "
      "version = version + 1, "
      "updated_at = CURRENT_TIMESTAMP(6) WHERE id = ? AND (? IS NULL OR version = ?)");
  mysql::bind(update, fields.name, fields.kind, fields.credit_code, fields.contact_name,
              fields.contact_phone, fields.address, id, expected_version, expected_version);
  return update.executeUpdate();
}

int move_supplier(mysql::Session& session, std::int64_t id,
                  std::optional<std::int64_t> expected_version, const std::string& from_csv,
                  const std::string& to, const std::optional<std::string>& reason,
                  const char* actor_column, std::int64_t actor) {
  auto& update = session.prepare(
      std::string("UPDATE catalog_suppliers SET status = ?, status_reason = ?, ") + actor_column +
      " = ?, version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE id = ? AND FIND_IN_SET(status, ?) > 0 AND (? IS NULL OR version = ?)");
  mysql::bind(update, to, reason, actor, id, from_csv, expected_version, expected_version);
  return update.executeUpdate();
}

}  // namespace huicai::catalog
