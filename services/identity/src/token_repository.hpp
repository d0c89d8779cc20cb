#pragma once
// SQL for refresh tokens (identity_refresh_tokens) and the revocation record
// (identity_token_revocations). Blocking functions on a pool Session.
//
// Refresh tokens are 32 random bytes (base64url) handed to the client once; only their SHA-256
// is stored, so a database dump does not yield usable tokens.

#include <chrono>
#include <cstdint>
#include <huicai/core/auth/revocation_list.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::identity {

std::string new_refresh_token();
std::string hash_refresh_token(std::string_view token);  // hex SHA-256

struct NewRefreshToken {
  std::string token_hash;
  std::string family_id;
  std::uint64_t account_id = 0;
  std::string access_token_id;
  std::chrono::seconds access_ttl{0};
  std::chrono::seconds refresh_ttl{0};
};
void insert_refresh_token(mysql::Session& session, const NewRefreshToken& token);

struct RefreshTokenRow {
  std::uint64_t id = 0;
  std::string family_id;
  std::uint64_t account_id = 0;
  bool used = false;
  bool revoked = false;
  bool expired = false;
};
// Locks the row (FOR UPDATE): the caller decides rotate vs reuse inside the same transaction.
std::optional<RefreshTokenRow> lock_refresh_token(mysql::Session& session,
                                                  const std::string& token_hash);
// Compare-and-set: false when someone used it first.
bool mark_refresh_token_used(mysql::Session& session, std::uint64_t id);

// An access token that was issued with a refresh token and may still be alive.
struct LiveAccessToken {
  std::string token_id;
  std::chrono::system_clock::time_point expires_at;
};
// Revokes every refresh token of the family; returns the access tokens issued with them that
// have not expired yet (to be revoked too).
std::vector<LiveAccessToken> revoke_refresh_family(mysql::Session& session,
                                                   const std::string& family_id);
std::optional<std::string> family_of_access_token(mysql::Session& session,
                                                  const std::string& access_token_id,
                                                  std::uint64_t account_id);
void revoke_account_refresh_tokens(mysql::Session& session, std::uint64_t account_id);

// Revocations are core's (auth::Revocation): identity records them in MySQL, every process
// reads them from there (the revocation feed) and the recording process applies them at once.
// One access token until it would have expired anyway.
auth::Revocation token_until(std::uint64_t account_id, const LiveAccessToken& token);
// Every access token of the account issued up to now (password change or reset, role revoked);
// in force for one access-token lifetime from the mark, after which those tokens have expired.
auth::Revocation tokens_issued_until_now(std::uint64_t account_id,
                                         std::chrono::seconds access_token_ttl);
void record_revocation(mysql::Session& session, const auth::Revocation& revocation,
                       const std::string& reason);

}  // namespace huicai::identity
