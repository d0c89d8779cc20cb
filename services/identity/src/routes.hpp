#pragma once
// Route registration, one function per group of routes (one source file each).

#include <huicai/core/http/router.hpp>
#include <memory>

#include "identity_state.hpp"

namespace huicai::identity {

using StatePtr = std::shared_ptr<IdentityState>;

void register_auth_routes(const StatePtr& state, http::Router& router);     // routes_auth.cpp
void register_org_routes(const StatePtr& state, http::Router& router);      // routes_org.cpp
void register_account_routes(const StatePtr& state, http::Router& router);  // routes_accounts.cpp
void register_audit_routes(const StatePtr& state, http::Router& router);    // routes_audit.cpp
void register_mfa_routes(const StatePtr& state, http::Router& router);      // routes_mfa.cpp
void register_session_routes(const StatePtr& state, http::Router& router);  // routes_sessions.cpp
void register_account_setup_routes(const StatePtr& state,
                                   http::Router& router);  // routes_account_setup.cpp

// Every role, each with `scope`: for routes about the caller's own account.
auth::AccessRule every_role(auth::Scope scope);

// Password rules shared by login, change, reset, account creation and the CLI.
inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr std::size_t kMaxPasswordLength = 128;
// Empty when acceptable, else why not.
std::string password_problem(std::string_view password);
std::string login_problem(std::string_view login);

}  // namespace huicai::identity
