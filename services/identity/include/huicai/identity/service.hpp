#pragma once
// The identity service: org tree (group -> subsidiaries -> units), accounts and roles, login,
// access and refresh tokens, revocation, and the audit log every privileged action lands in.

#include <cstdint>
#include <huicai/core/app/context.hpp>
#include <optional>
#include <string>
#include <vector>

namespace huicai::identity {

void register_service(app::Context& context, http::Router& router);
// Idempotent (natural keys): the group, seven subsidiaries and their units, one account per
// role. Prints the demo accounts and their passwords.
void load_demo_data(app::Context& context);
app::ServiceEntry service_entry();

// The demo accounts load_demo_data creates (also listed in docs/demo-accounts.md).
struct DemoAccount {
  std::string login;
  std::string password;
  std::string role;
  std::string scope;        // human description: unit code, supplier, county
  std::string totp_secret;  // base32, for an authenticator app; "" when not enrolled
};
std::vector<DemoAccount> demo_accounts();

// The TOTP code of a base32 secret at `unix_time` (what an authenticator app shows), for tools
// and tests; empty when the secret is not base32.
std::string totp_code(const std::string& base32_secret, std::int64_t unix_time);

}  // namespace huicai::identity
