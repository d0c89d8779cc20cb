#pragma once
// What the two sign-in steps share (routes_auth.cpp: password, routes_mfa.cpp: code): the
// device token, the challenge between the steps, whether an account needs a second factor, and
// finishing a sign-in (session, device token, audit entry, limiter reset).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <optional>
#include <string>
#include <vector>

#include "account_repository.hpp"
#include "login_limiter.hpp"
#include "routes.hpp"

namespace huicai::identity {

// The device token: "this browser or app signed in as LOGIN before". Signed (Signer), carries
// the login, a random device id and an expiry; sent back in the login body (`device_token`)
// or the `huicai_device` cookie.
std::string issue_device_token(const IdentityState& state, const std::string& login,
                               std::string device_id = {});
// The device id when `token` is a valid, unexpired device token for `login`; "" otherwise.
std::string device_id_for(const IdentityState& state, std::string_view token,
                          const std::string& login);
// The device token the request carries: the body's, else the cookie's.
std::string presented_device_token(const http::Request& request, const std::string& from_body);

// The challenge the password step answers with when the account needs a code.
struct Challenge {
  std::uint64_t account_id = 0;
  std::string login;
  std::string device_id;        // the attempt's device ("" unknown), counted the same way
  std::string password_marker;  // a hash of the password hash: a changed password voids it
};
std::string issue_challenge(const IdentityState& state, const Challenge& challenge);
std::optional<Challenge> open_challenge(const IdentityState& state, std::string_view text);
std::string password_marker(const std::string& password_hash);

// True when one of the account's roles is in HUICAI_MFA_REQUIRED_ROLES.
bool needs_second_factor(const IdentityState& state, const Account& account);
// Parses HUICAI_MFA_REQUIRED_ROLES; throws std::invalid_argument on an unknown role, and on an
// empty list outside development.
std::vector<auth::Role> required_roles_from(const Config& config);

// 401 for every kind of wrong credential, and 429 for a refused attempt.
http::Problem invalid_credentials();
http::Problem refused(const LoginRefusal& refusal);

// Counts a failed attempt and writes the audit log's "auth.failure_burst" entry when the
// failure filled up a limit.
boost::asio::awaitable<void> count_failure(const StatePtr& state, const http::Request& request,
                                           const LoginAttempt& attempt);

// The account passed every step: a session (access + refresh token) recorded with its origin,
// a fresh device token (JSON and cookie), the audit entry, the limiter's counts cleared.
boost::asio::awaitable<http::Response> finish_sign_in(
    const StatePtr& state, const http::Request& request, const Account& account,
    const LoginAttempt& attempt, bool second_factor, std::optional<std::string> new_hash,
    std::string audit_detail);

}  // namespace huicai::identity
