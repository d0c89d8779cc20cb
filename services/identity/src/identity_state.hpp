#pragma once
// What the identity routes share: the app context, the password hasher pool, the sign-in
// limiter and the keys of the sign-in notes and second factors. Owned by a shared_ptr the route
// handlers capture, so it lives as long as the router.

#include <huicai/core/app/context.hpp>
#include <huicai/core/auth/password_hasher.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <memory>

#include "login_limiter.hpp"
#include "mfa_repository.hpp"
#include "signer.hpp"

namespace huicai::identity {

struct IdentityState {
  IdentityState(app::Context& context, LoginPolicy policy);

  app::Context& context;
  auth::PasswordHasher hasher;
  LoginLimiter login_limiter;
  Signer device_signer;     // device tokens (sign_in.hpp)
  Signer challenge_signer;  // password step -> code step
  SecondFactorKeys factor_keys;
  std::vector<auth::Role> mfa_required_roles;  // HUICAI_MFA_REQUIRED_ROLES

  mysql::Pool& db() { return context.db(); }
  auth::TokenService& tokens() { return context.tokens(); }
  const Config& config() const { return context.config(); }
};

}  // namespace huicai::identity
