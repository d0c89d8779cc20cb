#include "bank_account_changes.hpp"

#include <huicai/catalog/bank_account_mask.hpp>

#include "repository_support.hpp"

namespace huicai::catalog {
namespace {

constexpr const char* kSelect =
    "SELECT id, supplier_id, bank_name, bank_account_name, bank_account_number, status, "
    "requested_by_account_id, DATE_FORMAT(requested_at, '%Y-%m-%dT%H:%i:%sZ') AS requested_at, "
    "decided_by_account_id, DATE_FORMAT(decided_at, '%Y-%m-%dT%H:%i:%sZ') AS decided_at, "
    "decision_reason FROM catalog_supplier_bank_changes ";

BankChange change_from(sql::ResultSet& row) {
  BankChange change;
  change.id = row.getInt64("id");
  change.supplier_id = row.getInt64("supplier_id");
  change.account.bank_name = mysql::get_optional_string(row, "bank_name");
  change.account.account_name = mysql::get_optional_string(row, "bank_account_name");
  change.account.account_number = mysql::get_optional_string(row, "bank_account_number");
  change.status = mysql::get_string(row, "status");
  change.requested_by = mysql::get_optional_int64(row, "requested_by_account_id");
  change.requested_at = mysql::get_string(row, "requested_at");
  change.decided_by = mysql::get_optional_int64(row, "decided_by_account_id");
  change.decided_at = mysql::get_optional_string(row, "decided_at");
  change.decision_reason = mysql::get_optional_string(row, "decision_reason");
  return change;
}

boost::json::value optional_json(const std::optional<std::string>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}
boost::json::value optional_json(const std::optional<std::int64_t>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

// pending -> `to` when still pending: the compare-and-set every decision goes through.
bool decide(mysql::Session& session, const BankChange& change, const std::string& to,
            std::int64_t decider, const std::optional<std::string>& reason) {
  auto& update = session.prepare(
      "UPDATE catalog_supplier_bank_changes SET status = ?, pending_slot = NULL, "
      "decided_by_account_id = ?, decided_at = CURRENT_TIMESTAMP(6), decision_reason = ? "
      "WHERE id = ? AND supplier_id = ? AND status = 'pending'");
  mysql::bind(update, to, decider, reason, change.id, change.supplier_id);
  return update.executeUpdate() == 1;
}

}  // namespace

BankChange request_bank_change(mysql::Session& session, std::int64_t supplier_id,
                               const BankAccount& account, std::int64_t requested_by) {
  auto& supersede = session.prepare(
      "UPDATE catalog_supplier_bank_changes SET status = 'superseded', pending_slot = NULL, "
      "decided_at = CURRENT_TIMESTAMP(6) WHERE supplier_id = ? AND status = 'pending'");
  mysql::bind(supersede, supplier_id);
  supersede.executeUpdate();
  auto& insert = session.prepare(
      "INSERT INTO catalog_supplier_bank_changes (supplier_id, bank_name, bank_account_name, "
      "bank_account_number, status, pending_slot, requested_by_account_id) "
      "VALUES (?, ?, ?, ?, 'pending', 1, ?)");
  mysql::bind(insert, supplier_id, account.bank_name, account.account_name, account.account_number,
              requested_by);
  insert.executeUpdate();
  return *find_bank_change(session, supplier_id, last_insert_id(session));
}

std::optional<BankChange> find_bank_change(mysql::Session& session, std::int64_t supplier_id,
                                           std::int64_t change_id) {
  auto& select = session.prepare(std::string(kSelect) + "WHERE id = ? AND supplier_id = ?");
  auto row = mysql::query(mysql::bind(select, change_id, supplier_id));
  if (!row->next()) return std::nullopt;
  return change_from(*row);
}

std::optional<BankChange> pending_bank_change(mysql::Session& session, std::int64_t supplier_id) {
  auto& select =
      session.prepare(std::string(kSelect) + "WHERE supplier_id = ? AND pending_slot = 1");
  auto row = mysql::query(mysql::bind(select, supplier_id));
  if (!row->next()) return std::nullopt;
  return change_from(*row);
}

boost::json::array list_bank_changes(mysql::Session& session, std::int64_t supplier_id,
                                     bool show_number, std::int64_t after_id, int limit) {
  auto& select = session.prepare(std::string(kSelect) +
                                 "WHERE supplier_id = ? AND id > ? ORDER BY id LIMIT ?");
  auto rows = mysql::query(mysql::bind(select, supplier_id, after_id, limit));
  boost::json::array items;
  while (rows->next()) items.push_back(bank_change_json(change_from(*rows), show_number));
  return items;
}

bool confirm_bank_change(mysql::Session& session, const BankChange& change, std::int64_t decider) {
  if (!decide(session, change, "confirmed", decider, std::nullopt)) return false;
  auto& update = session.prepare(
      "UPDATE catalog_suppliers SET bank_name = ?, bank_account_name = ?, "
      "bank_account_number = ?, bank_account_confirmed_at = CURRENT_TIMESTAMP(6), "
      "bank_account_confirmed_by_account_id = ?, version = version + 1, "
      "updated_at = CURRENT_TIMESTAMP(6) WHERE id = ?");
  mysql::bind(update, change.account.bank_name, change.account.account_name,
              change.account.account_number, decider, change.supplier_id);
  update.executeUpdate();
  return true;
}

bool reject_bank_change(mysql::Session& session, const BankChange& change, std::int64_t decider,
                        const std::string& reason) {
  if (!decide(session, change, "rejected", decider, reason)) return false;
  // The supplier's ETag covers its pending change: bump it.
  auto& update = session.prepare(
      "UPDATE catalog_suppliers SET version = version + 1, updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE id = ?");
  mysql::bind(update, change.supplier_id);
  update.executeUpdate();
  return true;
}

void set_confirmed_bank_account(mysql::Session& session, std::int64_t supplier_id,
                                const BankAccount& account) {
  auto& update = session.prepare(
      "UPDATE catalog_suppliers SET bank_name = ?, bank_account_name = ?, "
      "bank_account_number = ?, bank_account_confirmed_at = CURRENT_TIMESTAMP(6) WHERE id = ?");
  mysql::bind(update, account.bank_name, account.account_name, account.account_number, supplier_id);
  update.executeUpdate();
}

boost::json::object bank_change_json(const BankChange& change, bool show_number) {
  boost::json::object object;
  object["id"] = change.id;
  object["supplier_id"] = change.supplier_id;
  object["bank_name"] = optional_json(change.account.bank_name);
  object["account_name"] = optional_json(change.account.account_name);
  if (change.account.account_number) {
    object["account_number"] = show_number ? *change.account.account_number
                                           : mask_bank_account(*change.account.account_number);
  } else {
    object["account_number"] = nullptr;
  }
  object["masked"] = !show_number;
  object["status"] = change.status;
  object["requested_by_account_id"] = optional_json(change.requested_by);
  object["requested_at"] = change.requested_at;
  object["decided_by_account_id"] = optional_json(change.decided_by);
  object["decided_at"] = optional_json(change.decided_at);
  object["decision_reason"] = optional_json(change.decision_reason);
  return object;
}

}  // namespace huicai::catalog
