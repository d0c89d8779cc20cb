#pragma once
// What the identity routes share: the app context, the password hasher pool and the login
// limiter. Owned by a shared_ptr the route handlers capture, so it lives as long as the router.

#include <huicai/core/app/context.hpp>
#include <huicai/core/auth/password_hasher.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <memory>

#include "login_limiter.hpp"

namespace huicai::identity {

struct IdentityState {
  IdentityState(app::Context& context, LoginPolicy policy);

  app::Context& context;
  auth::PasswordHasher hasher;
  LoginLimiter login_limiter;

  mysql::Pool& db() { return context.db(); }
  auth::TokenService& tokens() { return context.tokens(); }
  const Config& config() const { return context.config(); }
};

}  // namespace huicai::identity
