// The second factor: POST /v1/auth/mfa (the code step of a sign-in) and the caller's own TOTP
// enrolment under /v1/me/mfa (status, enrol, confirm, disable).
#include <boost/describe/class.hpp>
#include <ctime>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/validation.hpp>

#include "audit_log.hpp"
#include "mfa_repository.hpp"
#include "routes.hpp"
#include "sessions.hpp"
#include "sign_in.hpp"
#include "totp.hpp"

namespace huicai::identity {

struct MfaBody {
  std::string challenge;
  std::optional<std::string> code;           // six digits from the authenticator app
  std::optional<std::string> recovery_code;  // or one of the ten recovery codes
};
BOOST_DESCRIBE_STRUCT(MfaBody, (), (challenge, code, recovery_code))

struct TotpConfirmBody {
  std::string code;
};
BOOST_DESCRIBE_STRUCT(TotpConfirmBody, (), (code))

struct TotpDisableBody {
  std::string password;
  std::optional<std::string> code;
  std::optional<std::string> recovery_code;
};
BOOST_DESCRIBE_STRUCT(TotpDisableBody, (), (password, code, recovery_code))

namespace {

using boost::asio::awaitable;

enum class CodeVerdict { accepted, wrong, used_before };

// Checks a TOTP code or a recovery code against the account's active factor and consumes it
// (compare-and-set on the last used step / the code's used_at). Inside the caller's
// transaction.
CodeVerdict consume_code(mysql::Session& session, const IdentityState& state,
                         std::uint64_t account_id, const std::optional<std::string>& code,
                         const std::optional<std::string>& recovery_code) {
  auto factor = find_totp_factor(session, state.factor_keys, account_id, true);
  if (!factor || !factor->active) return CodeVerdict::wrong;
  if (recovery_code) {
    return use_recovery_code(session, state.factor_keys, account_id, *recovery_code)
               ? CodeVerdict::accepted
               : CodeVerdict::wrong;
  }
  auto step = totp::matching_step(factor->secret, code.value_or(""), std::time(nullptr));
  if (!step) return CodeVerdict::wrong;
  return use_totp_step(session, account_id, *step) ? CodeVerdict::accepted
                                                   : CodeVerdict::used_before;
}

void require_one_code(Validator& check, const std::optional<std::string>& code,
                      const std::optional<std::string>& recovery_code) {
  check.require(code.has_value() != recovery_code.has_value(), "code",
                "send either code or recovery_code");
  check.require(!code || code->size() <= 16, "code", "must be the six digits of the app");
  check.require(!recovery_code || recovery_code->size() <= 32, "recovery_code",
                "must be a recovery code");
}

http::Problem wrong_code() {
  return http::Problem(401, "invalid-code", "Invalid code",
                       "the code is wrong, expired or was used before");
}

AuditEntry own_entry(const http::Request& request, std::string action) {
  return audit_entry_for(request, std::move(action), "account",
                         std::to_string(request.caller().account_id));
}

struct StepOutcome {
  std::optional<Account> account;  // set when the code was accepted
  CodeVerdict verdict = CodeVerdict::wrong;
  bool stale = false;  // the challenge's account changed (password, status) since
};

// The code step: challenge + code (or recovery code) -> tokens. Wrong codes count as sign-in
// failures (login_limiter.hpp) against the attempt the challenge came from.
awaitable<http::Response> exchange_challenge(const StatePtr& state, http::Request& request) {
  auto body = decode_json<MfaBody>(request.body);
  Validator check;
  check.require(!body.challenge.empty() && body.challenge.size() <= 2048, "challenge",
                "must be the challenge of the password step");
  require_one_code(check, body.code, body.recovery_code);
  check.throw_if_any();
  auto challenge = open_challenge(*state, body.challenge);
  if (!challenge) {
    throw http::Problem(401, "invalid-challenge", "Invalid challenge",
                        "the challenge is unknown or expired; sign in with the password again");
  }
  LoginAttempt attempt{challenge->login, request.remote_address, challenge->device_id};
  if (auto refusal = co_await state->login_limiter.admit(attempt)) throw refused(*refusal);

  auto outcome = co_await state->db().transaction([&](mysql::Session& session) {
    StepOutcome result;
    auto account = find_account(session, challenge->account_id, true);
    if (!account || account->status != "active" ||
        password_marker(account->password_hash) != challenge->password_marker) {
      result.stale = true;
      return result;
    }
    result.verdict = consume_code(session, *state, account->id, body.code, body.recovery_code);
    if (result.verdict != CodeVerdict::accepted) return result;
    if (body.recovery_code) {
      AuditEntry entry;
      entry.actor_account_id = account->id;
      entry.actor_login = account->login;
      entry.action = "mfa.recovery_code_used";
      entry.target_type = "account";
      entry.target_id = std::to_string(account->id);
      entry.request_id = request.request_id;
      entry.after =
          boost::json::object{{"source", attempt.source},
                              {"recovery_codes_left", unused_recovery_codes(session, account->id)}};
      append_audit(session, entry);
    }
    result.account = std::move(account);
    return result;
  });
  if (outcome.stale) throw invalid_credentials();
  if (!outcome.account) {
    co_await count_failure(state, request, attempt);
    throw wrong_code();
  }
  co_return co_await finish_sign_in(state, request, *outcome.account, attempt, true, std::nullopt,
                                    body.recovery_code ? "recovery_code" : "totp");
}

awaitable<http::Response> mfa_status(const StatePtr& state, http::Request& request) {
  const auth::Principal& caller = request.caller();
  auto json = co_await state->db().run([&](mysql::Session& session) {
    auto factor = find_totp_factor(session, state->factor_keys, caller.account_id);
    auto account = find_account(session, caller.account_id);
    return boost::json::object{
        {"totp", !factor          ? "none"
                 : factor->active ? "active"
                                  : "pending"},
        {"required", account && needs_second_factor(*state, *account)},
        {"recovery_codes_left", unused_recovery_codes(session, caller.account_id)}};
  });
  co_return http::Response::json(200, json);
}

// Enrol: a new secret (pending until confirmed with a code), as an otpauth:// URI and its QR.
awaitable<http::Response> start_totp(const StatePtr& state, http::Request& request) {
  const auth::Principal& caller = request.caller();
  const std::string secret = totp::new_secret();
  const bool stored = co_await state->db().transaction([&](mysql::Session& session) {
    if (!find_account(session, caller.account_id, true)) {
      throw http::Problem(404, "not-found", "Not found", "the account no longer exists");
    }
    if (!upsert_pending_totp(session, state->factor_keys, caller.account_id, secret)) return false;
    append_audit(session, own_entry(request, "mfa.enrolment_started"));
    return true;
  });
  if (!stored) {
    throw http::Problem(409, "mfa-already-enrolled", "Second factor already enrolled",
                        "disable the current authenticator first (POST /v1/me/mfa/totp/disable)");
  }
  const std::string uri = totp::otpauth_uri(caller.login, secret);
  co_return http::Response::json(201, boost::json::object{{"secret", totp::base32(secret)},
                                                          {"otpauth_uri", uri},
                                                          {"qr_svg", totp::qr_svg(uri)},
                                                          {"confirm", "/v1/me/mfa/totp/confirm"}});
}

// Confirm with a code: the factor becomes active, ten recovery codes are shown once, and every
// session of the account ends (this one too: sign in again with the code).
awaitable<http::Response> confirm_totp(const StatePtr& state, http::Request& request) {
  const auth::Principal& caller = request.caller();
  auto body = decode_json<TotpConfirmBody>(request.body);
  const auto codes = new_recovery_codes();
  auto ended = co_await state->db().transaction([&](mysql::Session& session) {
    std::optional<auth::Revocation> result;
    auto factor = find_totp_factor(session, state->factor_keys, caller.account_id, true);
    if (!factor || factor->active) {
      throw http::Problem(409, "mfa-not-pending", "Nothing to confirm",
                          "start an enrolment first (POST /v1/me/mfa/totp)");
    }
    auto step = totp::matching_step(factor->secret, body.code, std::time(nullptr));
    if (!step) throw_validation_failed({{"code", "is not the current code of the authenticator"}});
    if (!activate_totp(session, caller.account_id, *step)) {
      throw http::Problem(409, "conflict", "Enrolment changed concurrently", "retry");
    }
    replace_recovery_codes(session, state->factor_keys, caller.account_id, codes);
    result = end_every_session(session, state->config(), caller.account_id, "mfa_change");
    append_audit(session, own_entry(request, "mfa.enrolled"));
    return result;
  });
  if (ended) state->tokens().apply(*ended);
  boost::json::array shown;
  for (const auto& code : codes) shown.emplace_back(code);
  co_return http::Response::json(
      200, boost::json::object{{"totp", "active"},
                               {"recovery_codes", std::move(shown)},
                               {"sessions_ended", true},
                               {"next", "sign in again: POST /v1/auth/login, then /v1/auth/mfa"}});
}

// Disable: password and a current code (or a recovery code); every session ends.
awaitable<http::Response> disable_totp(const StatePtr& state, http::Request& request) {
  const auth::Principal& caller = request.caller();
  auto body = decode_json<TotpDisableBody>(request.body);
  Validator check;
  check.require(!body.password.empty() && body.password.size() <= kMaxPasswordLength, "password",
                "is required");
  require_one_code(check, body.code, body.recovery_code);
  check.throw_if_any();
  auto account = co_await state->db().run(
      [&](mysql::Session& session) { return find_account(session, caller.account_id); });
  if (!account) throw http::Problem(404, "not-found", "Not found", "the account no longer exists");
  const auto verdict = co_await state->hasher.check(account->password_hash, body.password);
  if (!verdict.matches) throw_validation_failed({{"password", "is not the current password"}});
  auto everything = co_await state->db().transaction([&](mysql::Session& session) {
    if (consume_code(session, *state, caller.account_id, body.code, body.recovery_code) !=
        CodeVerdict::accepted) {
      throw_validation_failed({{body.code ? "code" : "recovery_code", "is not valid"}});
    }
    delete_totp(session, caller.account_id);
    auto revocation = end_every_session(session, state->config(), caller.account_id, "mfa_change");
    append_audit(session, own_entry(request, "mfa.disabled"));
    return revocation;
  });
  state->tokens().apply(everything);
  co_return http::Response::empty(204);
}

}  // namespace

void register_mfa_routes(const StatePtr& state, http::Router& router) {
  using auth::Scope;
  using http::Method;
  const http::RateLimit sensitive{10, std::chrono::seconds(60)};
  const auto own = every_role(Scope::own_account);
  const auto own_or_enrolling = own.for_enrolment_too();
  router.add({Method::post, "/v1/auth/mfa", "identity", auth::AccessRule::public_route(),
              [state](http::Request& request) { return exchange_challenge(state, request); }});
  router.add({Method::get, "/v1/me/mfa", "identity", own_or_enrolling,
              [state](http::Request& request) { return mfa_status(state, request); }});
  router.add({Method::post, "/v1/me/mfa/totp", "identity", own_or_enrolling,
              [state](http::Request& request) { return start_totp(state, request); }, sensitive});
  router.add({Method::post, "/v1/me/mfa/totp/confirm", "identity", own_or_enrolling,
              [state](http::Request& request) { return confirm_totp(state, request); }, sensitive});
  router.add({Method::post, "/v1/me/mfa/totp/disable", "identity", own,
              [state](http::Request& request) { return disable_totp(state, request); }, sensitive});
}

}  // namespace huicai::identity
