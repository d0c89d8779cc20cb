#include "token_repository.hpp"

#include <huicai/core/auth/secrets.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

namespace huicai::identity {

namespace {

std::int64_t to_ms(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::chrono::system_clock::time_point from_ms(std::int64_t ms) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(ms)));
}

}  // namespace

std::string new_refresh_token() {
  return auth::new_secret();
}

std::string hash_refresh_token(std::string_view token) {
  return auth::secret_hash(token);
}

void insert_refresh_token(mysql::Session& session, const NewRefreshToken& token) {
  auto& insert = session.prepare(
      "INSERT INTO identity_refresh_tokens (token_hash, family_id, account_id, access_token_id, "
      "access_expires_at, expires_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6) + INTERVAL ? SECOND, "
      "UTC_TIMESTAMP(6) + INTERVAL ? SECOND)");
  mysql::bind(insert, token.token_hash, token.family_id, token.account_id, token.access_token_id,
              static_cast<std::int64_t>(token.access_ttl.count()),
              static_cast<std::int64_t>(token.refresh_ttl.count()));
  insert.executeUpdate();
}

std::optional<RefreshTokenRow> lock_refresh_token(mysql::Session& session,
                                                  const std::string& token_hash) {
  auto& select = session.prepare(
      "SELECT id, family_id, account_id, used_at IS NOT NULL AS used, "
      "revoked_at IS NOT NULL AS revoked, expires_at <= UTC_TIMESTAMP(6) AS expired "
      "FROM identity_refresh_tokens WHERE token_hash = ? FOR UPDATE");
  mysql::bind(select, token_hash);
  auto rows = mysql::query(select);
  if (!rows->next()) return std::nullopt;
  RefreshTokenRow row;
  row.id = rows->getUInt64("id");
  row.family_id = mysql::get_string(*rows, "family_id");
  row.account_id = rows->getUInt64("account_id");
  row.used = rows->getBoolean("used");
  row.revoked = rows->getBoolean("revoked");
  row.expired = rows->getBoolean("expired");
  return row;
}

bool mark_refresh_token_used(mysql::Session& session, std::uint64_t id) {
  auto& update = session.prepare(
      "UPDATE identity_refresh_tokens SET used_at = UTC_TIMESTAMP(6) "
      "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL");
  mysql::bind(update, id);
  return update.executeUpdate() == 1;
}

std::vector<LiveAccessToken> revoke_refresh_family(mysql::Session& session,
                                                   const std::string& family_id) {
  auto& update = session.prepare(
      "UPDATE identity_refresh_tokens SET revoked_at = UTC_TIMESTAMP(6) "
      "WHERE family_id = ? AND revoked_at IS NULL");
  mysql::bind(update, family_id);
  update.executeUpdate();
  auto& select = session.prepare(
      "SELECT access_token_id, "
      "CAST(UNIX_TIMESTAMP(access_expires_at) * 1000 AS SIGNED) AS expires_ms "
      "FROM identity_refresh_tokens WHERE family_id = ? AND access_expires_at > UTC_TIMESTAMP(6)");
  mysql::bind(select, family_id);
  auto rows = mysql::query(select);
  std::vector<LiveAccessToken> live;
  while (rows->next()) {
    live.push_back(
        {mysql::get_string(*rows, "access_token_id"), from_ms(rows->getInt64("expires_ms"))});
  }
  return live;
}

std::optional<std::string> family_of_access_token(mysql::Session& session,
                                                  const std::string& access_token_id,
                                                  std::uint64_t account_id) {
  auto& select = session.prepare(
      "SELECT family_id FROM identity_refresh_tokens WHERE access_token_id = ? AND account_id = ?");
  mysql::bind(select, access_token_id, account_id);
  auto rows = mysql::query(select);
  if (!rows->next()) return std::nullopt;
  return mysql::get_string(*rows, "family_id");
}

void revoke_account_refresh_tokens(mysql::Session& session, std::uint64_t account_id) {
  auto& update = session.prepare(
      "UPDATE identity_refresh_tokens SET revoked_at = UTC_TIMESTAMP(6) "
      "WHERE account_id = ? AND revoked_at IS NULL");
  mysql::bind(update, account_id);
  update.executeUpdate();
}

auth::Revocation token_until(std::uint64_t account_id, const LiveAccessToken& token) {
  return auth::Revocation{account_id, token.token_id, std::nullopt, to_ms(token.expires_at)};
}

auth::Revocation tokens_issued_until_now(std::uint64_t account_id,
                                         std::chrono::seconds access_token_ttl) {
  const auto mark_ms = to_ms(std::chrono::system_clock::now());
  const auto lifetime_ms = std::chrono::milliseconds(access_token_ttl).count();
  return auth::Revocation{account_id, std::nullopt, mark_ms, mark_ms + lifetime_ms};
}

void record_revocation(mysql::Session& session, const auth::Revocation& revocation,
                       const std::string& reason) {
  auto& insert = session.prepare(
      "INSERT INTO identity_token_revocations "
      "(account_id, token_id, issued_up_to_ms, reason, expires_at) "
      "VALUES (?, ?, ?, ?, FROM_UNIXTIME(? / 1000))");
  mysql::bind(insert, revocation.account_id, revocation.token_id, revocation.issued_up_to_ms,
              reason, revocation.expires_at_ms);
  insert.executeUpdate();
}

}  // namespace huicai::identity
