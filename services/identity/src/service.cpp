#include <huicai/core/app/outbox_and_retention.hpp>
#include <huicai/core/log.hpp>
#include <huicai/identity/service.hpp>

#include "admin_commands.hpp"
#include "audit_consumer.hpp"
#include "identity_events.hpp"
#include "routes.hpp"
#include "sessions.hpp"
#include "sign_in.hpp"
#include "supplier_accounts.hpp"

namespace huicai::identity {

namespace {
// Waiting hash jobs per hashing thread before login answers 503: a few hundred milliseconds of
// work, beyond which a client is better off retrying than waiting.
constexpr std::size_t kHashQueuePerThread = 16;
}  // namespace

IdentityState::IdentityState(app::Context& context, LoginPolicy policy)
    : context(context),
      hasher(context.config().password_hash_concurrency,
             kHashQueuePerThread *
                 std::max<std::size_t>(1, context.config().password_hash_concurrency)),
      login_limiter(context.redis(), policy),
      device_signer(context.config().token_secret, "huicai.login-device.v1"),
      challenge_signer(context.config().token_secret, "huicai.mfa-challenge.v1"),
      factor_keys(context.config().token_secret),
      // Throws on an unknown role or an empty list outside development: the server refuses to
      // start rather than let the roles that move money sign in with a password alone.
      mfa_required_roles(required_roles_from(context.config())) {}

void register_service(app::Context& context, http::Router& router) {
  auto state = std::make_shared<IdentityState>(context, LoginPolicy::from_config(context.config()));
  register_auth_routes(state, router);
  register_org_routes(state, router);
  register_account_routes(state, router);
  register_audit_routes(state, router);
  register_mfa_routes(state, router);
  register_session_routes(state, router);
  register_account_setup_routes(state, router);

  app::start_outbox_and_retention(
      context, {"identity", std::string(kOutboxTable), std::string(kProducer), ""});

  start_audit_consumers(context);
  start_supplier_account_consumer(context);
}

app::ServiceEntry service_entry() {
  return app::ServiceEntry{"identity", &register_service, &load_demo_data, &run_service_command};
}

}  // namespace huicai::identity
