#include "session_repository.hpp"

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

namespace huicai::identity {

namespace {

constexpr std::size_t kMaxUserAgent = 255;

// Cut at a UTF-8 character boundary so the column never holds half a character.
std::string cut_utf8(std::string_view text, std::size_t most) {
  if (text.size() <= most) return std::string(text);
  std::size_t end = most;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

// "2026-12-05 17:00:00.123456" -> "2026-12-05T17:00:00.123456Z"
std::string rfc3339(std::string text) {
  if (text.size() > 10 && text[10] == ' ') text[10] = 'T';
  return text + "Z";
}

}  // namespace

void insert_session_record(mysql::Session& session, const std::string& family_id,
                           std::uint64_t account_id, const SessionOrigin& origin,
                           std::chrono::seconds refresh_ttl) {
  auto& insert = session.prepare(
      "INSERT INTO identity_sessions (family_id, account_id, source_address, user_agent, "
      "device_id, second_factor, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND)");
  std::optional<std::string> device;
  if (!origin.device_id.empty()) device = origin.device_id;
  mysql::bind(insert, family_id, account_id, cut_utf8(origin.source_address, 64),
              cut_utf8(origin.user_agent, kMaxUserAgent), device, origin.second_factor,
              static_cast<std::int64_t>(refresh_ttl.count()));
  insert.executeUpdate();
}

void touch_session_record(mysql::Session& session, const std::string& family_id,
                          std::chrono::seconds refresh_ttl) {
  auto& update = session.prepare(
      "UPDATE identity_sessions SET last_used_at = UTC_TIMESTAMP(6), "
      "expires_at = UTC_TIMESTAMP(6) + INTERVAL ? SECOND WHERE family_id = ? AND ended_at IS NULL");
  mysql::bind(update, static_cast<std::int64_t>(refresh_ttl.count()), family_id);
  update.executeUpdate();
}

bool end_session_record(mysql::Session& session, const std::string& family_id,
                        std::uint64_t account_id) {
  auto& update = session.prepare(
      "UPDATE identity_sessions SET ended_at = UTC_TIMESTAMP(6) "
      "WHERE family_id = ? AND account_id = ? AND ended_at IS NULL");
  mysql::bind(update, family_id, account_id);
  return update.executeUpdate() == 1;
}

void end_account_sessions(mysql::Session& session, std::uint64_t account_id) {
  auto& update = session.prepare(
      "UPDATE identity_sessions SET ended_at = UTC_TIMESTAMP(6) "
      "WHERE account_id = ? AND ended_at IS NULL");
  mysql::bind(update, account_id);
  update.executeUpdate();
}

std::vector<SessionRow> list_sessions(mysql::Session& session, std::uint64_t account_id,
                                      std::size_t limit) {
  auto& select = session.prepare(
      "SELECT family_id, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') AS created, "
      "DATE_FORMAT(last_used_at, '%Y-%m-%d %H:%i:%s') AS last_used, source_address, user_agent, "
      "COALESCE(device_id, '') AS device_id, second_factor FROM identity_sessions s "
      "WHERE account_id = ? AND ended_at IS NULL AND expires_at > UTC_TIMESTAMP(6) "
      // A session some other path ended (password reset, refresh-token reuse) has no live
      // refresh token left.
      "AND EXISTS (SELECT 1 FROM identity_refresh_tokens r WHERE r.family_id = s.family_id "
      "AND r.revoked_at IS NULL AND r.used_at IS NULL AND r.expires_at > UTC_TIMESTAMP(6)) "
      "ORDER BY last_used_at DESC, family_id LIMIT ?");
  mysql::bind(select, account_id, static_cast<std::int64_t>(limit));
  auto rows = mysql::query(select);
  std::vector<SessionRow> sessions;
  while (rows->next()) {
    SessionRow row;
    row.id = mysql::get_string(*rows, "family_id");
    row.created_at = rfc3339(mysql::get_string(*rows, "created"));
    row.last_used_at = rfc3339(mysql::get_string(*rows, "last_used"));
    row.source_address = mysql::get_string(*rows, "source_address");
    row.user_agent = mysql::get_string(*rows, "user_agent");
    row.device_id = mysql::get_string(*rows, "device_id");
    row.second_factor = rows->getBoolean("second_factor");
    sessions.push_back(std::move(row));
  }
  return sessions;
}

boost::json::object to_json(const SessionRow& row, bool current) {
  boost::json::object json{{"id", row.id},
                           {"created_at", row.created_at},
                           {"last_used_at", row.last_used_at},
                           {"source_address", row.source_address},
                           {"user_agent", row.user_agent},
                           {"second_factor", row.second_factor},
                           {"current", current}};
  json["device_id"] =
      row.device_id.empty() ? boost::json::value(nullptr) : boost::json::value(row.device_id);
  return json;
}

}  // namespace huicai::identity
