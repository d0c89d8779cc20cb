// POST /v1/accounts, GET /v1/accounts/{account_id}, POST /v1/accounts/{account_id}/roles,
// DELETE /v1/accounts/{account_id}/roles/{role}, POST /v1/accounts/{account_id}/password-reset.
//
// The operator acts everywhere; a unit_admin only on accounts of its unit subtree, and may only
// hand out the unit roles (employee, unit_buyer, unit_approver, unit_admin).
#include <boost/describe/class.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/validation.hpp>

#include "account_repository.hpp"
#include "audit_log.hpp"
#include "identity_events.hpp"
#include "org_repository.hpp"
#include "request_input.hpp"
#include "routes.hpp"
#include "sessions.hpp"

namespace huicai::identity {

struct CreateAccountBody {
  std::string login;
  std::string display_name;
  std::string password;
  std::optional<std::uint64_t> unit_id;
};
BOOST_DESCRIBE_STRUCT(CreateAccountBody, (), (login, display_name, password, unit_id))

struct GrantRoleBody {
  std::string role;
  std::optional<std::uint64_t> supplier_id;
  std::optional<std::uint64_t> county_id;
};
BOOST_DESCRIBE_STRUCT(GrantRoleBody, (), (role, supplier_id, county_id))

struct PasswordResetBody {
  std::string new_password;
};
BOOST_DESCRIBE_STRUCT(PasswordResetBody, (), (new_password))

namespace {

using auth::Role;
using auth::Scope;
using boost::asio::awaitable;

auth::Owner owner_of(const Account& account) {
  auth::Owner owner;
  owner.account_id = account.id;
  // An account without a unit is reachable only through an unscoped grant (the operator).
  owner.unit_path = account.unit_path.empty() ? std::string("/") : account.unit_path;
  return owner;
}

// Loads the account and checks the caller may act on it; hides accounts out of reach (404).
Account reachable_account(mysql::Session& session, const http::Request& request,
                          std::uint64_t account_id, bool for_update) {
  auto account = find_account(session, account_id, for_update);
  if (!account) throw http::Problem(404, "not-found", "Not found", "no such account");
  request.require_access(owner_of(*account), true);
  return *account;
}

// Only the operator hands out roles beyond the unit roles.
void require_grantable(const http::Request& request, Role role) {
  if (request.caller().has_role(Role::operator_) || is_unit_role(role)) return;
  throw http::Problem(403, "role-not-grantable", "Role not grantable",
                      "a unit admin may only grant or revoke the unit roles");
}

// A unit admin must not take over an account that holds more than unit roles (resetting an
// operator's password would make it the operator).
void require_manageable(const http::Request& request, const Account& target) {
  if (request.caller().has_role(Role::operator_)) return;
  for (const RoleAssignment& assignment : target.roles) {
    if (!is_unit_role(assignment.role)) {
      throw http::Problem(403, "account-not-manageable", "Account not manageable",
                          "the account holds roles only an operator may manage");
    }
  }
}

Role role_or_422(std::string_view text, const char* field) {
  auto role = auth::role_from_string(text);
  if (!role) throw_validation_failed({{field, "unknown role"}});
  return *role;
}

awaitable<http::Response> create(const StatePtr& state, http::Request& request) {
  auto body = decode_json<CreateAccountBody>(request.body);
  Validator check;
  if (auto problem = login_problem(body.login); !problem.empty()) check.add("login", problem);
  check.text("display_name", body.display_name, 1, 200);  // VARCHAR(200): characters
  if (auto problem = password_problem(body.password); !problem.empty()) {
    check.add("password", problem);
  }
  check.throw_if_any();
  const std::string password_hash = co_await state->hasher.hash(body.password);
  const std::string login = normalize_login(body.login);

  auto account = co_await state->db().transaction([&](mysql::Session& session) {
    if (body.unit_id) {
      auto unit = find_unit(session, *body.unit_id);
      if (!unit) throw_validation_failed({{"unit_id", "no such org unit"}});
      request.require_access(auth::Owner{.unit_path = unit->path}, true);
    } else {
      request.require_access(auth::Owner{.unit_path = std::string("/")}, false);
    }
    const auto id = insert_account(session, login, body.display_name, password_hash, body.unit_id,
                                   request.caller().account_id);
    auto created = find_account(session, id).value();
    auto entry = audit_entry_for(request, "account.created", "account", std::to_string(id));
    entry.after = to_json(created);
    append_audit(session, entry);
    enqueue_account_created(session, created, request.request_id);
    return created;
  });
  co_return http::Response::json(201, to_json(account));
}

awaitable<http::Response> get(const StatePtr& state, http::Request& request) {
  const auto account_id = id_path_param(request, "account_id");
  auto account = co_await state->db().run([&](mysql::Session& session) {
    return reachable_account(session, request, account_id, false);
  });
  co_return http::Response::json(200, to_json(account));
}

awaitable<http::Response> grant(const StatePtr& state, http::Request& request) {
  const auto account_id = id_path_param(request, "account_id");
  auto body = decode_json<GrantRoleBody>(request.body);
  const Role role = role_or_422(body.role, "role");
  Validator check;
  if (role == Role::supplier_staff) {
    check.require(body.supplier_id.has_value(), "supplier_id", "is required for supplier_staff");
  } else {
    check.require(!body.supplier_id, "supplier_id", "only applies to supplier_staff");
  }
  if (role == Role::county_officer) {
    check.require(body.county_id.has_value(), "county_id", "is required for county_officer");
  } else {
    check.require(!body.county_id, "county_id", "only applies to county_officer");
  }
  check.throw_if_any();

  auto account = co_await state->db().transaction([&](mysql::Session& session) {
    Account target = reachable_account(session, request, account_id, true);
    require_manageable(request, target);
    require_grantable(request, role);
    RoleAssignment assignment{role, std::nullopt, body.supplier_id, body.county_id};
    if (is_unit_role(role)) {
      if (!target.unit_id) throw_validation_failed({{"role", "the account has no unit"}});
      assignment.unit_id = target.unit_id;
    }
    if (!insert_role(session, target.id, assignment, request.caller().account_id)) {
      throw http::Problem(409, "role-already-granted", "Role already granted",
                          "the account already holds this role");
    }
    auto entry = audit_entry_for(request, "role.granted", "account", std::to_string(target.id));
    entry.before = to_json(target);
    auto updated = find_account(session, target.id).value();
    entry.after = to_json(updated);
    append_audit(session, entry);
    enqueue_role_granted(session, target.id, assignment, request.caller().account_id,
                         request.request_id);
    return updated;
  });
  co_return http::Response::json(200, to_json(account));
}

awaitable<http::Response> revoke(const StatePtr& state, http::Request& request) {
  const auto account_id = id_path_param(request, "account_id");
  const auto role = auth::role_from_string(request.path_param("role"));
  if (!role) throw http::Problem(404, "not-found", "Not found", "no such role");
  // Tokens already issued still carry the role: end them (refresh tokens stay valid and yield
  // tokens with the reduced roles).
  auth::Revocation stale_tokens;
  auto account = co_await state->db().transaction([&](mysql::Session& session) {
    Account target = reachable_account(session, request, account_id, true);
    require_manageable(request, target);
    require_grantable(request, *role);
    if (!delete_role(session, target.id, *role)) {
      throw http::Problem(404, "not-found", "Not found", "the account does not hold this role");
    }
    stale_tokens = tokens_issued_until_now(target.id, state->config().access_token_ttl);
    record_revocation(session, stale_tokens, "role_revoked");
    auto entry = audit_entry_for(request, "role.revoked", "account", std::to_string(target.id));
    entry.before = to_json(target);
    auto updated = find_account(session, target.id).value();
    entry.after = to_json(updated);
    append_audit(session, entry);
    enqueue_role_revoked(session, target.id, *role, request.caller().account_id,
                         request.request_id);
    return updated;
  });
  state->tokens().apply(stale_tokens);
  co_return http::Response::json(200, to_json(account));
}

awaitable<http::Response> reset_password(const StatePtr& state, http::Request& request) {
  const auto account_id = id_path_param(request, "account_id");
  auto body = decode_json<PasswordResetBody>(request.body);
  if (auto problem = password_problem(body.new_password); !problem.empty()) {
    throw_validation_failed({{"new_password", problem}});
  }
  // Check reach before spending a hash on it.
  co_await state->db().run([&](mysql::Session& session) {
    require_manageable(request, reachable_account(session, request, account_id, false));
  });
  const std::string new_hash = co_await state->hasher.hash(body.new_password);
  auth::Revocation everything;
  co_await state->db().transaction([&](mysql::Session& session) {
    Account target = reachable_account(session, request, account_id, true);
    require_manageable(request, target);
    update_password(session, target.id, std::nullopt, new_hash);
    revoke_account_refresh_tokens(session, target.id);
    everything = tokens_issued_until_now(target.id, state->config().access_token_ttl);
    record_revocation(session, everything, "password_reset");
    // Never the password or its hash in the audit log.
    auto entry =
        audit_entry_for(request, "account.password_reset", "account", std::to_string(target.id));
    append_audit(session, entry);
  });
  state->tokens().apply(everything);
  co_return http::Response::empty(204);
}

}  // namespace

void register_account_routes(const StatePtr& state, http::Router& router) {
  using http::Method;
  const auto admin_rule = auth::AccessRule::roles(
      {{Role::operator_, Scope::any}, {Role::unit_admin, Scope::unit_subtree}});
  const http::RateLimit admin_writes{60, std::chrono::seconds(60)};
  router.add({Method::post, "/v1/accounts", "identity", admin_rule,
              [state](http::Request& request) { return create(state, request); }, admin_writes});
  router.add({Method::get, "/v1/accounts/{account_id}", "identity",
              auth::AccessRule::roles({{Role::operator_, Scope::any},
                                       {Role::auditor, Scope::any},
                                       {Role::unit_admin, Scope::unit_subtree}}),
              [state](http::Request& request) { return get(state, request); }});
  router.add({Method::post, "/v1/accounts/{account_id}/roles", "identity", admin_rule,
              [state](http::Request& request) { return grant(state, request); }, admin_writes});
  router.add({Method::delete_, "/v1/accounts/{account_id}/roles/{role}", "identity", admin_rule,
              [state](http::Request& request) { return revoke(state, request); }, admin_writes});
  router.add({Method::post, "/v1/accounts/{account_id}/password-reset", "identity", admin_rule,
              [state](http::Request& request) { return reset_password(state, request); },
              admin_writes});
}

}  // namespace huicai::identity
