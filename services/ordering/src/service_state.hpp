#pragma once
// What every ordering route shares: the app context (settings are in context.config(), the
// HUICAI_ORDER_* / HUICAI_PAYMENT_* entries), the idempotency store, the payment channel and
// the worker that delivers its callbacks. Created once at registration; each handler holds a
// shared_ptr to it.

#include <huicai/core/app/context.hpp>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/http/idempotency.hpp>
#include <huicai/core/http/router.hpp>
#include <memory>

#include "callback_delivery.hpp"
#include "order_events.hpp"
#include "payment_channel.hpp"
#include "placement_batcher.hpp"
#include "pricing_cache.hpp"

namespace huicai::http {
class Router;
}

namespace huicai::ordering {

struct ServiceState {
  explicit ServiceState(app::Context& context);
  app::Context& context;
  http::Idempotency idempotency;
  PricingCache pricing;         // what orders are priced from (pricing_cache.hpp)
  PlacementBatcher placements;  // personal orders written in groups (placement_batcher.hpp)
  SandboxChannel sandbox;
  // Null when HUICAI_PAYMENT_CALLBACK_WORKER is off (another instance delivers).
  std::unique_ptr<CallbackDeliveryWorker> callback_worker;

  // Target and retry schedule of a callback confirmed now, from the settings.
  CallbackDeliveryPolicy callback_policy() const;
};
using State = std::shared_ptr<ServiceState>;

// One per routes_*.cpp file.
void add_cart_routes(http::Router& router, State state);
void add_order_routes(http::Router& router, State state);
void add_payment_routes(http::Router& router, State state);
void add_approval_routes(http::Router& router, State state);
void add_fulfilment_routes(http::Router& router, State state);
void add_after_sales_routes(http::Router& router, State state);
void add_inventory_routes(http::Router& router, State state);
void add_batch_routes(http::Router& router, State state);
void add_trace_routes(http::Router& router, State state);
void add_fund_routes(http::Router& router, State state);

// Small helpers the route files share.
// A per-account limit of `requests` a minute for Route::rate_limit (0 = none), counted in Redis
// by core's dispatcher: beyond it, 429 with Retry-After.
http::RateLimit per_minute(std::size_t requests);
// The caller as the actor of a transition.
Actor actor_of(const http::Request& request, std::string reason = {});

}  // namespace huicai::ordering
