#include <huicai/core/events/relay.hpp>
#include <huicai/core/log.hpp>
#include <huicai/identity/service.hpp>

#include "audit_consumer.hpp"
#include "identity_events.hpp"
#include "routes.hpp"
#include "sessions.hpp"

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
      login_limiter(context.redis(), policy) {}

void register_service(app::Context& context, http::Router& router) {
  auto state = std::make_shared<IdentityState>(context, LoginPolicy::from_config(context.config()));
  register_auth_routes(state, router);
  register_org_routes(state, router);
  register_account_routes(state, router);
  register_audit_routes(state, router);

  context.spawn_background("identity-outbox-relay", [&context]() -> boost::asio::awaitable<void> {
    events::Relay relay(context.db(), context.redis(),
                        events::RelayOptions{kOutboxTable, kProducer}, &context.metrics());
    co_await relay.run();
  });

  start_audit_consumers(context);
}

app::ServiceEntry service_entry() {
  return app::ServiceEntry{"identity", &register_service, &load_demo_data};
}

}  // namespace huicai::identity
