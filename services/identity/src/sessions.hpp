#pragma once
// Issuing a login session (access token + refresh token) and pushing revocations to Redis.

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <optional>
#include <string>
#include <vector>

#include "account_repository.hpp"
#include "token_repository.hpp"

namespace huicai::identity {

struct IssuedSession {
  auth::IssuedToken access;
  std::string refresh_token;
  std::chrono::seconds access_ttl{0};
  std::chrono::seconds refresh_ttl{0};
  std::string family_id;  // the session's id (identity_sessions)
  Account account;
};

// Signs an access token for the account and stores a new refresh token in `family_id` (a new
// family when empty). Runs inside the caller's transaction (pure CPU + one INSERT).
// An account whose role needs a second factor signs in through sign_in.hpp's steps.
IssuedSession issue_session(mysql::Session& session, const auth::TokenService& tokens,
                            const Config& config, const Account& account,
                            std::string family_id = {});

// {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in", "account"}
boost::json::object to_json(const IssuedSession& issued);

// Makes recorded revocations take effect in this process at once, after the transaction that
// recorded them committed; other processes read them from the record (auth::RevocationFeed).
void apply_revocations(auth::TokenService& tokens,
                       const std::vector<auth::Revocation>& revocations);

// Ends every session of the account (password change, second-factor change): its refresh
// tokens, every access token issued up to now (recorded with `reason`) and the session rows.
// Returns the revocation to apply after commit.
auth::Revocation end_every_session(mysql::Session& session, const Config& config,
                                   std::uint64_t account_id, const std::string& reason);

}  // namespace huicai::identity
