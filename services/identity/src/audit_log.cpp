#include "audit_log.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::identity {

namespace {

std::optional<std::string> json_text(const boost::json::value& value) {
  if (value.is_null()) return std::nullopt;
  return boost::json::serialize(value);
}

boost::json::value parse_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  try {
    return boost::json::parse(*text);
  } catch (const std::exception&) {
    return boost::json::string(*text);  // never lose what was recorded
  }
}

}  // namespace

AuditEntry audit_entry_for(const http::Request& request, std::string action,
                           std::string target_type, std::string target_id) {
  AuditEntry entry;
  const auth::Principal& caller = request.caller();
  entry.actor_account_id = caller.account_id;
  entry.actor_login = caller.login;
  entry.actor_role = audit::acting_role(request);
  entry.action = std::move(action);
  entry.target_type = std::move(target_type);
  entry.target_id = std::move(target_id);
  entry.request_id = request.request_id;
  return entry;
}

AuditEntry audit_entry_for_tool(std::string actor, std::string action, std::string target_type,
                                std::string target_id) {
  AuditEntry entry;
  entry.actor_login = actor;
  entry.actor_role = std::move(actor);
  entry.action = std::move(action);
  entry.target_type = std::move(target_type);
  entry.target_id = std::move(target_id);
  return entry;
}

void append_audit(mysql::Session& session, const AuditEntry& entry) {
  auto& insert = session.prepare(
      "INSERT INTO identity_audit_log (at, service, actor_account_id, actor_login, actor_role, "
      "action, target_type, target_id, before_summary, after_summary, request_id) "
      "VALUES (UTC_TIMESTAMP(6), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  mysql::bind(insert, entry.service, entry.actor_account_id, entry.actor_login, entry.actor_role,
              entry.action, entry.target_type, entry.target_id, json_text(entry.before),
              json_text(entry.after), entry.request_id);
  insert.executeUpdate();
}

std::vector<boost::json::object> query_audit(mysql::Session& session, const AuditQuery& query,
                                             std::uint64_t& last_id) {
  std::string sql =
      "SELECT id, DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.%fZ') AS at_text, service, actor_account_id, "
      "actor_login, actor_role, action, target_type, target_id, before_summary, after_summary, "
      "request_id FROM identity_audit_log WHERE 1 = 1";
  // Filters are appended in a fixed order and bound in the same order below, so each distinct
  // combination is one cached prepared statement.
  if (query.from) sql += " AND at >= ?";
  if (query.to) sql += " AND at < ?";
  if (query.actor_account_id) sql += " AND actor_account_id = ?";
  if (query.target_type) sql += " AND target_type = ?";
  if (query.target_id) sql += " AND target_id = ?";
  if (query.action) sql += " AND action = ?";
  if (query.before_id) sql += " AND id < ?";
  sql += " ORDER BY id DESC LIMIT ?";
  auto& select = session.prepare(sql);
  int index = 1;
  if (query.from) mysql::bind_one(select, index++, *query.from);
  if (query.to) mysql::bind_one(select, index++, *query.to);
  if (query.actor_account_id) mysql::bind_one(select, index++, *query.actor_account_id);
  if (query.target_type) mysql::bind_one(select, index++, *query.target_type);
  if (query.target_id) mysql::bind_one(select, index++, *query.target_id);
  if (query.action) mysql::bind_one(select, index++, *query.action);
  if (query.before_id) mysql::bind_one(select, index++, *query.before_id);
  mysql::bind_one(select, index++, static_cast<std::int64_t>(query.limit));

  auto rows = mysql::query(select);
  std::vector<boost::json::object> entries;
  while (rows->next()) {
    last_id = rows->getUInt64("id");
    auto actor = mysql::get_optional_int64(*rows, "actor_account_id");
    entries.push_back({
        {"id", last_id},
        {"at", mysql::get_string(*rows, "at_text")},
        {"service", mysql::get_string(*rows, "service")},
        {"actor_account_id", actor ? boost::json::value(*actor) : boost::json::value(nullptr)},
        {"actor_login", mysql::get_string(*rows, "actor_login")},
        {"actor_role", mysql::get_string(*rows, "actor_role")},
        {"action", mysql::get_string(*rows, "action")},
        {"target_type", mysql::get_string(*rows, "target_type")},
        {"target_id", mysql::get_string(*rows, "target_id")},
        {"before", parse_or_null(mysql::get_optional_string(*rows, "before_summary"))},
        {"after", parse_or_null(mysql::get_optional_string(*rows, "after_summary"))},
        {"request_id", mysql::get_string(*rows, "request_id")},
    });
  }
  return entries;
}

}  // namespace huicai::identity
