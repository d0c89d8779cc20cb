#pragma once
// Access and refresh tokens. Access tokens are short-lived, self-contained and signed with
// HMAC-SHA256 (libsodium crypto_auth_hmacsha256) so every service verifies them without a
// round trip; revocation (logout, password change) is checked against an in-memory
// RevocationList that a RevocationFeed keeps in step with the record in MySQL. Verifying needs
// no I/O and keeps working with Redis down.
// The identity service issues tokens; the core verifies them on every request.

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/config.hpp>
#include <huicai/core/http/dispatcher.hpp>
#include <memory>
#include <string>

namespace huicai::auth {

class RevocationFeed;
class RevocationList;
struct Revocation;

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
  // Keeps a reference to config: the caller keeps it alive, so a temporary is refused.
  explicit TokenService(const Config& config);
  explicit TokenService(Config&&) = delete;
  ~TokenService() override;

  // Signs an access token carrying the principal (roles and scopes) for config.access_token_ttl.
  IssuedToken issue_access(const Principal& principal) const;
  // Signature, expiry, then the revocation list. With a feed attached and the list older than
  // config.revocation_max_staleness, reads MySQL first; when that fails, throws
  // ServiceUnavailable (503): a logged-out token must not pass because the record is unreadable.
  boost::asio::awaitable<boost::system::result<Principal>> verify(
      std::string_view bearer_token) override;

  // A revocation this process made. The caller has already recorded it in MySQL (identity's
  // identity_token_revocations, in the transaction that logs out or changes the password);
  // here it takes effect in this process at once, other processes read it from the record.
  void apply(const Revocation& revocation);

  // From now on the list is only trusted while the feed keeps it fresh.
  void attach_feed(RevocationFeed& feed);
  RevocationList& revocations() { return *revocations_; }

 private:
  const Config& config_;
  std::array<unsigned char, 32> mac_key_{};  // derived from config.token_secret once
  std::unique_ptr<RevocationList> revocations_;
  // Tokens whose signature and claims were checked already, so a client sending the same token
  // on every request costs a hash lookup, not an HMAC and a JSON parse (tokens.cpp).
  struct VerifiedTokens;
  std::unique_ptr<VerifiedTokens> verified_;
  RevocationFeed* feed_ = nullptr;
};

}  // namespace huicai::auth

template <>
struct boost::system::is_error_code_enum<huicai::auth::TokenError> : std::true_type {};
