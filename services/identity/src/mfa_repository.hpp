#pragma once
// SQL for the second factor (identity_totp_factors, identity_recovery_codes) and how its
// secrets are kept: the TOTP secret sealed with crypto_secretbox (the server must read it back
// to check codes), recovery codes as keyed BLAKE2b hashes (only ever compared). Both keys are
// derived from the token secret with their own labels: rotating HUICAI_TOKEN_SECRET therefore
// also retires every enrolled factor and recovery code (holders enrol again), which is what a
// suspected leak of that secret calls for anyway.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::identity {

class SecondFactorKeys {
 public:
  explicit SecondFactorKeys(const std::string& token_secret);
  std::string seal(const std::string& secret) const;  // base64url(nonce || box)
  std::optional<std::string> unseal(const std::string& sealed) const;
  std::string recovery_code_hash(std::string_view code) const;  // hex, of the normalized code

 private:
  std::string seal_key_;
  std::string pepper_;
};

struct TotpFactor {
  std::string secret;  // unsealed
  bool active = false;
  std::int64_t last_used_step = 0;
};

std::optional<TotpFactor> find_totp_factor(mysql::Session& session, const SecondFactorKeys& keys,
                                           std::uint64_t account_id, bool for_update = false);
bool has_active_totp(mysql::Session& session, std::uint64_t account_id);
// A new pending factor replaces a pending one; false when an active factor exists (disable it
// first).
bool upsert_pending_totp(mysql::Session& session, const SecondFactorKeys& keys,
                         std::uint64_t account_id, const std::string& secret);
// For the demo loader: an active factor with a fixed secret when the account has none.
bool insert_active_totp(mysql::Session& session, const SecondFactorKeys& keys,
                        std::uint64_t account_id, const std::string& secret);
// pending -> active, recording the step of the confirming code. False when not pending.
bool activate_totp(mysql::Session& session, std::uint64_t account_id, std::int64_t step);
// Compare-and-set on the last used step: false when a code of this step (or a later one) was
// accepted before, so each code signs in once.
bool use_totp_step(mysql::Session& session, std::uint64_t account_id, std::int64_t step);
// Removes the factor and its recovery codes. False when there was none.
bool delete_totp(mysql::Session& session, std::uint64_t account_id);

// Replaces the account's recovery codes with these (hashed).
void replace_recovery_codes(mysql::Session& session, const SecondFactorKeys& keys,
                            std::uint64_t account_id, const std::vector<std::string>& codes);
// Marks the code used; false when unknown or used before.
bool use_recovery_code(mysql::Session& session, const SecondFactorKeys& keys,
                       std::uint64_t account_id, std::string_view code);
std::size_t unused_recovery_codes(mysql::Session& session, std::uint64_t account_id);

// Ten codes "xxxxx-xxxxx" (lower-case base32 letters and digits), from randombytes.
std::vector<std::string> new_recovery_codes();

}  // namespace huicai::identity
