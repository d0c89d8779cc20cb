#pragma once
// Access and refresh tokens. Access tokens are short-lived, self-contained and signed with
// HMAC-SHA256 (libsodium crypto_auth_hmacsha256) so every service verifies them without a
// round trip; revocation (logout, password change) is checked in Redis, with MySQL as the record.
// The identity service issues tokens; the core verifies them on every request.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/http/dispatcher.hpp>
#include <string>

namespace huicai::redis {
class Client;
}

namespace huicai::auth {

enum class TokenError { malformed = 1, bad_signature, expired, revoked, unavailable };
const boost::system::error_category& token_category() noexcept;
boost::system::error_code make_error_code(TokenError error) noexcept;

struct IssuedToken {
  std::string token;
  std::string token_id;
  std::chrono::system_clock::time_point expires_at;
};

class TokenService : public http::TokenVerifier {
 public:
  TokenService(const Config& config, redis::Client& redis);

  // Signs an access token carrying the principal (roles and scopes) for config.access_token_ttl.
  IssuedToken issue_access(const Principal& principal) const;
  boost::asio::awaitable<boost::system::result<Principal>> verify(
      std::string_view bearer_token) override;
  // Marks every access token of this token id (or of this account issued before now) revoked
  // in Redis until it would have expired anyway.
  boost::asio::awaitable<void> revoke_token(const std::string& token_id);
  boost::asio::awaitable<void> revoke_account_tokens_before_now(std::uint64_t account_id);
  // The same marks at a given time: identity writes the revocation to MySQL first (the record)
  // and then here, and rebuilds Redis from that record after Redis lost its data. The
  // account mark only ever moves forward.
  boost::asio::awaitable<void> revoke_token_until(const std::string& token_id,
                                                  std::chrono::system_clock::time_point expires_at);
  boost::asio::awaitable<void> revoke_account_tokens_before(
      std::uint64_t account_id, std::chrono::system_clock::time_point issued_up_to);

 private:
  const Config& config_;
  redis::Client& redis_;
};

}  // namespace huicai::auth

template <>
struct boost::system::is_error_code_enum<huicai::auth::TokenError> : std::true_type {};
