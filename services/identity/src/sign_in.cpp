#include "sign_in.hpp"

#include <sodium.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <huicai/core/mysql/pool.hpp>
#include <stdexcept>

#include "audit_log.hpp"
#include "session_repository.hpp"
#include "sessions.hpp"
#include "signer.hpp"

namespace huicai::identity {

namespace {

constexpr std::string_view kDeviceCookie = "huicai_device";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string new_device_id() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char random[16];
  randombytes_buf(random, sizeof random);
  return base64url(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
}

std::optional<boost::json::object> parse_object(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  try {
    return boost::json::parse(*text).as_object();
  } catch (const std::exception&) {
    return std::nullopt;  // signed by us, so never expected
  }
}

// The value of one cookie in a Cookie header ("a=1; huicai_device=...").
std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

AuditEntry entry_for_sign_in(const http::Request& request, const Account* account,
                             const std::string& login, std::string action) {
  AuditEntry entry;
  if (account) entry.actor_account_id = account->id;
  entry.actor_login = login;
  entry.actor_role = "";
  entry.action = std::move(action);
  entry.target_type = account ? "account" : "login";
  entry.target_id = account ? std::to_string(account->id) : login;
  entry.request_id = request.request_id;
  return entry;
}

}  // namespace

std::string issue_device_token(const IdentityState& state, const std::string& login,
                               std::string device_id) {
  if (device_id.empty()) device_id = new_device_id();
  const auto ttl_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(state.config().login_device_token_ttl)
          .count();
  boost::json::object payload{
      {"login", login}, {"device", device_id}, {"exp_ms", now_ms() + ttl_ms}};
  return state.device_signer.sign(boost::json::serialize(payload));
}

std::string device_id_for(const IdentityState& state, std::string_view token,
                          const std::string& login) {
  if (token.empty()) return {};
  auto payload = parse_object(state.device_signer.open(token));
  if (!payload) return {};
  try {
    if (payload->at("login").as_string() != login) return {};
    if (payload->at("exp_ms").to_number<std::int64_t>() <= now_ms()) return {};
    return std::string(payload->at("device").as_string());
  } catch (const std::exception&) {
    return {};
  }
}

std::string presented_device_token(const http::Request& request, const std::string& from_body) {
  if (!from_body.empty()) return from_body;
  return cookie_value(request.header("cookie"), kDeviceCookie);
}

std::string password_marker(const std::string& password_hash) {
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest,
                     reinterpret_cast<const unsigned char*>(password_hash.data()),
                     password_hash.size(), nullptr, 0);
  return base64url(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string issue_challenge(const IdentityState& state, const Challenge& challenge) {
  const auto ttl_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(state.config().mfa_challenge_ttl)
          .count();
  boost::json::object payload{{"account_id", challenge.account_id},
                              {"login", challenge.login},
                              {"device", challenge.device_id},
                              {"password", challenge.password_marker},
                              {"exp_ms", now_ms() + ttl_ms}};
  return state.challenge_signer.sign(boost::json::serialize(payload));
}

std::optional<Challenge> open_challenge(const IdentityState& state, std::string_view text) {
  auto payload = parse_object(state.challenge_signer.open(text));
  if (!payload) return std::nullopt;
  try {
    if (payload->at("exp_ms").to_number<std::int64_t>() <= now_ms()) return std::nullopt;
    Challenge challenge;
    challenge.account_id = payload->at("account_id").to_number<std::uint64_t>();
    challenge.login = std::string(payload->at("login").as_string());
    challenge.device_id = std::string(payload->at("device").as_string());
    challenge.password_marker = std::string(payload->at("password").as_string());
    return challenge;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::vector<auth::Role> required_roles_from(const Config& config) {
  std::vector<auth::Role> roles;
  std::string_view text = config.mfa_required_roles;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view name = text.substr(0, comma);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (!name.empty()) {
      auto role = auth::role_from_string(name);
      if (!role) {
        throw std::invalid_argument("HUICAI_MFA_REQUIRED_ROLES: unknown role " + std::string(name));
      }
      roles.push_back(*role);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (roles.empty() && config.environment != "development") {
    throw std::invalid_argument(
        "HUICAI_MFA_REQUIRED_ROLES is empty: the roles that move money would sign in with a "
        "password alone; only allowed with HUICAI_ENV=development");
  }
  return roles;
}

bool needs_second_factor(const IdentityState& state, const Account& account) {
  for (const auto& assignment : account.roles) {
    for (auth::Role role : state.mfa_required_roles) {
      if (assignment.role == role) return true;
    }
  }
  return false;
}

http::Problem invalid_credentials() {
  return http::Problem(401, "invalid-credentials", "Invalid login or password",
                       "the login or the password is wrong");
}

http::Problem refused(const LoginRefusal& refusal) {
  return http::Problem(429, "rate-limited", "Too many sign-in attempts",
                       "too many failed sign-ins from this client; retry later")
      .with_header("retry-after",
                   std::to_string(std::max<long long>(1, refusal.retry_after.count())));
}

boost::asio::awaitable<void> count_failure(const StatePtr& state, const http::Request& request,
                                           const LoginAttempt& attempt) {
  auto filled = co_await state->login_limiter.record_failure(attempt);
  if (filled.empty()) co_return;
  // One entry when a limit fills up, not one per failure: the log shows bursts, not noise.
  auto entry = entry_for_sign_in(request, nullptr, attempt.login, "auth.failure_burst");
  boost::json::array limits;
  for (auto& limit : filled) limits.emplace_back(limit);
  entry.after = boost::json::object{{"source", attempt.source},
                                    {"known_device", !attempt.device_id.empty()},
                                    {"limits", std::move(limits)}};
  co_await state->db().transaction([&](mysql::Session& session) { append_audit(session, entry); });
}

boost::asio::awaitable<http::Response> finish_sign_in(
    const StatePtr& state, const http::Request& request, const Account& account,
    const LoginAttempt& attempt, bool second_factor, std::optional<std::string> new_hash,
    std::string audit_detail) {
  const std::string device_token = issue_device_token(*state, attempt.login, attempt.device_id);
  const std::string device_id = device_id_for(*state, device_token, attempt.login);
  SessionOrigin origin{attempt.source, std::string(request.header("user-agent")), device_id,
                       second_factor};
  auto issued = co_await state->db().transaction([&](mysql::Session& session) {
    // The password may have changed (or been reset) since it was read and checked; the
    // change's revocation mark could then predate this token. Lock the account and compare:
    // a change that committed first wins (401), one that comes after waits for this commit
    // and its mark covers this token.
    auto locked = find_account(session, account.id, true);
    if (!locked || locked->password_hash != account.password_hash || locked->status != "active") {
      throw invalid_credentials();
    }
    if (new_hash) update_password(session, account.id, account.password_hash, *new_hash);
    auto result = issue_session(session, state->tokens(), state->config(), *locked);
    insert_session_record(session, result.family_id, account.id, origin,
                          state->config().refresh_token_ttl);
    auto entry = entry_for_sign_in(request, &account, account.login, "auth.signed_in");
    entry.after = boost::json::object{{"source", attempt.source},
                                      {"known_device", !attempt.device_id.empty()},
                                      {"second_factor", audit_detail},
                                      {"session_id", result.family_id}};
    append_audit(session, entry);
    return result;
  });
  co_await state->login_limiter.record_success(attempt);
  auto body = to_json(issued);
  body["device_token"] = device_token;
  body["session_id"] = issued.family_id;
  auto response = http::Response::json(200, body);
  const auto max_age = state->config().login_device_token_ttl.count();
  response.set_header("set-cookie", std::string(kDeviceCookie) + "=" + device_token +
                                        "; Path=/v1/auth; Max-Age=" + std::to_string(max_age) +
                                        "; HttpOnly; Secure; SameSite=Strict");
  co_return response;
}

}  // namespace huicai::identity
