#include "mfa_repository.hpp"

#include <sodium.h>

#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <stdexcept>

#include "signer.hpp"

namespace huicai::identity {

namespace {

std::string derive(const std::string& secret, std::string_view label, std::size_t bytes) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::string key(bytes, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(key.data()), key.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                     reinterpret_cast<const unsigned char*>(label.data()), label.size());
  return key;
}

// Recovery codes are typed by people: case, spaces and dashes do not matter.
std::string normalize_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace

SecondFactorKeys::SecondFactorKeys(const std::string& token_secret)
    : seal_key_(derive(token_secret, "huicai.totp-secret.v1", crypto_secretbox_KEYBYTES)),
      pepper_(derive(token_secret, "huicai.recovery-code.v1", crypto_generichash_KEYBYTES)) {}

std::string SecondFactorKeys::seal(const std::string& secret) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + secret.size(), '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(bytes, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(bytes + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), bytes,
                        reinterpret_cast<const unsigned char*>(seal_key_.data()));
  return base64url(out);
}

std::optional<std::string> SecondFactorKeys::unseal(const std::string& sealed) const {
  auto raw = from_base64url(sealed);
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  const std::size_t box = raw->size() - crypto_secretbox_NONCEBYTES;
  std::string secret(box - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(secret.data()),
                                 bytes + crypto_secretbox_NONCEBYTES, box, bytes,
                                 reinterpret_cast<const unsigned char*>(seal_key_.data())) != 0) {
    return std::nullopt;  // sealed under another token secret
  }
  return secret;
}

std::string SecondFactorKeys::recovery_code_hash(std::string_view code) const {
  const std::string normalized = normalize_code(code);
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest,
                     reinterpret_cast<const unsigned char*>(normalized.data()), normalized.size(),
                     reinterpret_cast<const unsigned char*>(pepper_.data()), pepper_.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

std::optional<TotpFactor> find_totp_factor(mysql::Session& session, const SecondFactorKeys& keys,
                                           std::uint64_t account_id, bool for_update) {
  auto& select = session.prepare(
      std::string("SELECT sealed_secret, status, last_used_step FROM identity_totp_factors "
                  "WHERE account_id = ?") +
      (for_update ? " FOR UPDATE" : ""));
  mysql::bind(select, account_id);
  auto rows = mysql::query(select);
  if (!rows->next()) return std::nullopt;
  auto secret = keys.unseal(mysql::get_string(*rows, "sealed_secret"));
  if (!secret) return std::nullopt;  // unreadable: as if not enrolled (see the header)
  TotpFactor factor;
  factor.secret = std::move(*secret);
  factor.active = mysql::get_string(*rows, "status") == "active";
  factor.last_used_step = rows->getInt64("last_used_step");
  return factor;
}

bool has_active_totp(mysql::Session& session, std::uint64_t account_id) {
  auto& select = session.prepare(
      "SELECT 1 FROM identity_totp_factors WHERE account_id = ? AND status = 'active'");
  mysql::bind(select, account_id);
  return mysql::query(select)->next();
}

bool upsert_pending_totp(mysql::Session& session, const SecondFactorKeys& keys,
                         std::uint64_t account_id, const std::string& secret) {
  auto& update = session.prepare(
      "UPDATE identity_totp_factors SET sealed_secret = ?, created_at = UTC_TIMESTAMP(6) "
      "WHERE account_id = ? AND status = 'pending'");
  const std::string sealed = keys.seal(secret);
  mysql::bind(update, sealed, account_id);
  if (update.executeUpdate() == 1) return true;
  auto& insert = session.prepare(
      "INSERT IGNORE INTO identity_totp_factors (account_id, sealed_secret, status) "
      "VALUES (?, ?, 'pending')");
  mysql::bind(insert, account_id, sealed);
  return insert.executeUpdate() == 1;
}

bool insert_active_totp(mysql::Session& session, const SecondFactorKeys& keys,
                        std::uint64_t account_id, const std::string& secret) {
  auto& insert = session.prepare(
      "INSERT IGNORE INTO identity_totp_factors (account_id, sealed_secret, status, confirmed_at) "
      "VALUES (?, ?, 'active', UTC_TIMESTAMP(6))");
  mysql::bind(insert, account_id, keys.seal(secret));
  return insert.executeUpdate() == 1;
}

bool activate_totp(mysql::Session& session, std::uint64_t account_id, std::int64_t step) {
  auto& update = session.prepare(
      "UPDATE identity_totp_factors SET status = 'active', confirmed_at = UTC_TIMESTAMP(6), "
      "last_used_step = ? WHERE account_id = ? AND status = 'pending'");
  mysql::bind(update, step, account_id);
  return update.executeUpdate() == 1;
}

bool use_totp_step(mysql::Session& session, std::uint64_t account_id, std::int64_t step) {
  auto& update = session.prepare(
      "UPDATE identity_totp_factors SET last_used_step = ? "
      "WHERE account_id = ? AND status = 'active' AND last_used_step < ?");
  mysql::bind(update, step, account_id, step);
  return update.executeUpdate() == 1;
}

bool delete_totp(mysql::Session& session, std::uint64_t account_id) {
  auto& codes = session.prepare("DELETE FROM identity_recovery_codes WHERE account_id = ?");
  mysql::bind(codes, account_id);
  codes.executeUpdate();
  auto& factor = session.prepare("DELETE FROM identity_totp_factors WHERE account_id = ?");
  mysql::bind(factor, account_id);
  return factor.executeUpdate() == 1;
}

void replace_recovery_codes(mysql::Session& session, const SecondFactorKeys& keys,
                            std::uint64_t account_id, const std::vector<std::string>& codes) {
  auto& remove = session.prepare("DELETE FROM identity_recovery_codes WHERE account_id = ?");
  mysql::bind(remove, account_id);
  remove.executeUpdate();
  auto& insert =
      session.prepare("INSERT INTO identity_recovery_codes (account_id, code_hash) VALUES (?, ?)");
  for (const auto& code : codes) {
    mysql::bind(insert, account_id, keys.recovery_code_hash(code));
    insert.executeUpdate();
  }
}

bool use_recovery_code(mysql::Session& session, const SecondFactorKeys& keys,
                       std::uint64_t account_id, std::string_view code) {
  auto& update = session.prepare(
      "UPDATE identity_recovery_codes SET used_at = UTC_TIMESTAMP(6) "
      "WHERE account_id = ? AND code_hash = ? AND used_at IS NULL");
  mysql::bind(update, account_id, keys.recovery_code_hash(code));
  return update.executeUpdate() == 1;
}

std::size_t unused_recovery_codes(mysql::Session& session, std::uint64_t account_id) {
  auto& select = session.prepare(
      "SELECT COUNT(*) AS n FROM identity_recovery_codes WHERE account_id = ? AND used_at IS NULL");
  mysql::bind(select, account_id);
  auto rows = mysql::query(select);
  rows->next();
  return static_cast<std::size_t>(rows->getInt64("n"));
}

std::vector<std::string> new_recovery_codes() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  static constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // no l, o, 0, 1
  std::vector<std::string> codes;
  for (int i = 0; i < 10; ++i) {
    std::string code;
    for (int c = 0; c < 10; ++c) {
      if (c == 5) code += '-';
      code += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

}  // namespace huicai::identity
