// POST /v1/auth/login, /v1/auth/refresh, /v1/auth/logout, /v1/auth/password and GET /v1/me.
#include <boost/describe/class.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/validation.hpp>

#include "audit_log.hpp"
#include "mfa_repository.hpp"
#include "routes.hpp"
#include "session_repository.hpp"
#include "sessions.hpp"
#include "sign_in.hpp"

namespace huicai::identity {

struct LoginBody {
  std::string login;
  std::string password;
  std::optional<std::string> device_token;  // from an earlier sign-in (or the cookie)
};
BOOST_DESCRIBE_STRUCT(LoginBody, (), (login, password, device_token))

struct RefreshBody {
  std::string refresh_token;
};
BOOST_DESCRIBE_STRUCT(RefreshBody, (), (refresh_token))

struct PasswordChangeBody {
  std::string current_password;
  std::string new_password;
};
BOOST_DESCRIBE_STRUCT(PasswordChangeBody, (), (current_password, new_password))

namespace {

using boost::asio::awaitable;

// The password step. Refused attempts (login_limiter.hpp) are answered before any password
// work; every wrong password counts against who sent it. An account whose role needs a second
// factor gets a challenge for POST /v1/auth/mfa instead of tokens, or, with no factor enrolled
// yet, an access token that opens only the enrolment routes.
awaitable<http::Response> login(const StatePtr& state, http::Request& request) {
  auto body = decode_json<LoginBody>(request.body);
  Validator check;
  check.require(!body.login.empty() && body.login.size() <= 64, "login",
                "must be 1 to 64 characters");
  check.require(!body.password.empty() && body.password.size() <= kMaxPasswordLength, "password",
                "must be 1 to 128 characters");
  check.require(!body.device_token || body.device_token->size() <= 1024, "device_token",
                "must be at most 1024 characters");
  check.throw_if_any();
  const std::string login_name = normalize_login(body.login);
  LoginAttempt attempt{
      login_name, request.remote_address,
      device_id_for(*state, presented_device_token(request, body.device_token.value_or("")),
                    login_name)};

  if (auto refusal = co_await state->login_limiter.admit(attempt)) throw refused(*refusal);
  auto account = co_await state->db().run(
      [&](mysql::Session& session) { return find_account_by_login(session, login_name); });
  if (!account) {
    // Same work as a real check, so the answer takes about as long as for a real account.
    co_await state->hasher.check_against_dummy(body.password);
    co_await count_failure(state, request, attempt);
    throw invalid_credentials();
  }
  const auto verdict = co_await state->hasher.check(account->password_hash, body.password);
  if (!verdict.matches) {
    co_await count_failure(state, request, attempt);
    throw invalid_credentials();
  }
  if (account->status != "active") throw invalid_credentials();

  // The stored hash was made with other parameters: store one with the current ones now that
  // we hold the password (libsodium crypto_pwhash_str_needs_rehash).
  std::optional<std::string> new_hash;
  if (verdict.needs_rehash) new_hash = co_await state->hasher.hash(body.password);

  if (!needs_second_factor(*state, *account)) {
    co_return co_await finish_sign_in(state, request, *account, attempt, false, new_hash, "none");
  }
  if (new_hash) {
    co_await state->db().transaction([&](mysql::Session& session) {
      if (update_password(session, account->id, account->password_hash, *new_hash)) {
        account->password_hash = *new_hash;
      }
    });
  }
  const bool enrolled = co_await state->db().run(
      [&](mysql::Session& session) { return has_active_totp(session, account->id); });
  if (enrolled) {
    Challenge challenge{account->id, login_name, attempt.device_id,
                        password_marker(account->password_hash)};
    co_return http::Response::json(
        200,
        boost::json::object{{"mfa_required", true},
                            {"challenge", issue_challenge(*state, challenge)},
                            {"challenge_expires_in", state->config().mfa_challenge_ttl.count()},
                            {"methods", boost::json::array{"totp", "recovery_code"}}});
  }
  // A role that needs a second factor and none enrolled: a token for the enrolment routes
  // only (the dispatcher refuses it everywhere else), no refresh token, no session.
  auto principal = principal_of(*account);
  principal.mfa_enrolment_only = true;
  auto limited = state->tokens().issue_access(principal);
  co_await state->db().transaction([&](mysql::Session& session) {
    AuditEntry entry;
    entry.actor_account_id = account->id;
    entry.actor_login = account->login;
    entry.action = "auth.enrolment_token_issued";
    entry.target_type = "account";
    entry.target_id = std::to_string(account->id);
    entry.request_id = request.request_id;
    entry.after = boost::json::object{{"source", attempt.source}};
    append_audit(session, entry);
  });
  co_return http::Response::json(
      200, boost::json::object{{"mfa_enrolment_required", true},
                               {"access_token", limited.token},
                               {"token_type", "Bearer"},
                               {"expires_in", state->config().access_token_ttl.count()},
                               {"enrol", "/v1/me/mfa/totp"},
                               {"account", to_json(*account)}});
}

struct RefreshOutcome {
  enum class Kind { invalid, reused, rotated } kind = Kind::invalid;
  std::optional<IssuedSession> session;
  std::vector<auth::Revocation> revocations;
};

awaitable<http::Response> refresh(const StatePtr& state, http::Request& request) {
  auto body = decode_json<RefreshBody>(request.body);
  if (body.refresh_token.empty() || body.refresh_token.size() > 256) {
    throw_validation_failed({{"refresh_token", "must be a refresh token"}});
  }
  const std::string token_hash = hash_refresh_token(body.refresh_token);
  auto outcome = co_await state->db().transaction([&](mysql::Session& session) {
    RefreshOutcome result;
    auto row = lock_refresh_token(session, token_hash);
    if (!row || row->revoked || row->expired) return result;
    if (row->used) {
      // A rotated-away token came back: someone holds a copy. End the whole family and the
      // access tokens it issued; committed even though the caller gets 401.
      result.kind = RefreshOutcome::Kind::reused;
      for (const LiveAccessToken& live : revoke_refresh_family(session, row->family_id)) {
        auto revocation = token_until(row->account_id, live);
        record_revocation(session, revocation, "refresh_reuse");
        result.revocations.push_back(std::move(revocation));
      }
      return result;
    }
    if (!mark_refresh_token_used(session, row->id)) return result;
    auto account = find_account(session, row->account_id);
    if (!account || account->status != "active") return result;
    result.kind = RefreshOutcome::Kind::rotated;
    result.session =
        issue_session(session, state->tokens(), state->config(), *account, row->family_id);
    touch_session_record(session, row->family_id, state->config().refresh_token_ttl);
    return result;
  });
  switch (outcome.kind) {
    case RefreshOutcome::Kind::rotated:
      co_return http::Response::json(200, to_json(*outcome.session));
    case RefreshOutcome::Kind::reused:
      apply_revocations(state->tokens(), outcome.revocations);
      throw http::Problem(401, "refresh-token-reused", "Refresh token already used",
                          "this refresh token was used before; its session has been ended");
    case RefreshOutcome::Kind::invalid:
      break;
  }
  throw http::Problem(401, "invalid-refresh-token", "Invalid refresh token",
                      "the refresh token is unknown, expired or revoked");
}

awaitable<http::Response> logout(const StatePtr& state, http::Request& request) {
  const auth::Principal& caller = request.caller();
  // The caller's token expires within one lifetime from now.
  const LiveAccessToken caller_token{
      caller.token_id, std::chrono::system_clock::now() + state->config().access_token_ttl};
  auto revocations = co_await state->db().transaction([&](mysql::Session& session) {
    std::vector<auth::Revocation> result;
    auto current = token_until(caller.account_id, caller_token);
    record_revocation(session, current, "logout");
    result.push_back(current);
    // The refresh token issued with this access token goes too, with its whole family.
    if (auto family = family_of_access_token(session, caller.token_id, caller.account_id)) {
      end_session_record(session, *family, caller.account_id);
      for (const LiveAccessToken& live : revoke_refresh_family(session, *family)) {
        if (live.token_id == caller.token_id) continue;
        auto other = token_until(caller.account_id, live);
        record_revocation(session, other, "logout");
        result.push_back(std::move(other));
      }
    }
    return result;
  });
  apply_revocations(state->tokens(), revocations);
  co_return http::Response::empty(204);
}

awaitable<http::Response> change_password(const StatePtr& state, http::Request& request) {
  const auth::Principal& caller = request.caller();
  auto body = decode_json<PasswordChangeBody>(request.body);
  Validator check;
  check.require(!body.current_password.empty(), "current_password", "is required");
  if (auto problem = password_problem(body.new_password); !problem.empty()) {
    check.add("new_password", problem);
  }
  check.throw_if_any();

  auto account = co_await state->db().run(
      [&](mysql::Session& session) { return find_account(session, caller.account_id); });
  if (!account) throw http::Problem(404, "not-found", "Not found", "the account no longer exists");
  const auto verdict = co_await state->hasher.check(account->password_hash, body.current_password);
  if (!verdict.matches) {
    throw_validation_failed({{"current_password", "is not the current password"}});
  }
  const std::string new_hash = co_await state->hasher.hash(body.new_password);

  // Every token issued up to the change is revoked; tokens issued after it stay valid.
  auth::Revocation everything;
  co_await state->db().transaction([&](mysql::Session& session) {
    if (!update_password(session, caller.account_id, account->password_hash, new_hash)) {
      throw http::Problem(409, "conflict", "Password changed concurrently",
                          "the password was changed by another request; retry");
    }
    // Every session ends, this one included (sign in again with the new password).
    everything = end_every_session(session, state->config(), caller.account_id, "password_change");
    auto entry = audit_entry_for(request, "account.password_changed", "account",
                                 std::to_string(caller.account_id));
    append_audit(session, entry);
  });
  state->tokens().apply(everything);
  co_return http::Response::empty(204);
}

awaitable<http::Response> me(const StatePtr& state, http::Request& request) {
  const auth::Principal& caller = request.caller();
  auto account = co_await state->db().run(
      [&](mysql::Session& session) { return find_account(session, caller.account_id); });
  if (!account) throw http::Problem(404, "not-found", "Not found", "the account no longer exists");
  auto body = to_json(*account);
  body["token_id"] = caller.token_id;
  co_return http::Response::json(200, body);
}

}  // namespace

auth::AccessRule every_role(auth::Scope scope) {
  auth::AccessRule rule;
  for (auth::Role role : auth::kAllRoles) rule.grants.push_back({role, scope});
  return rule;
}

std::string password_problem(std::string_view password) {
  if (password.size() < kMinPasswordLength) {
    return "must be at least " + std::to_string(kMinPasswordLength) + " characters";
  }
  if (password.size() > kMaxPasswordLength) {
    return "must be at most " + std::to_string(kMaxPasswordLength) + " characters";
  }
  return {};
}

std::string login_problem(std::string_view login) {
  if (login.size() < 3 || login.size() > 64) return "must be 3 to 64 characters";
  for (char c : login) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_';
    if (!ok) return "may contain only letters, digits, '.', '-' and '_'";
  }
  return {};
}

void register_auth_routes(const StatePtr& state, http::Router& router) {
  using auth::Scope;
  using http::Method;
  const http::RateLimit sensitive{10, std::chrono::seconds(60)};
  router.add({Method::post, "/v1/auth/login", "identity", auth::AccessRule::public_route(),
              [state](http::Request& request) { return login(state, request); }});
  router.add({Method::post, "/v1/auth/refresh", "identity", auth::AccessRule::public_route(),
              [state](http::Request& request) { return refresh(state, request); },
              http::RateLimit{60, std::chrono::seconds(60)}});
  router.add({Method::post, "/v1/auth/logout", "identity", every_role(Scope::own_account),
              [state](http::Request& request) { return logout(state, request); }});
  router.add({Method::post, "/v1/auth/password", "identity", every_role(Scope::own_account),
              [state](http::Request& request) { return change_password(state, request); },
              sensitive});
  router.add({Method::get, "/v1/me", "identity", every_role(Scope::own_account).for_enrolment_too(),
              [state](http::Request& request) { return me(state, request); }});
}

}  // namespace huicai::identity
