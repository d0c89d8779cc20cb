#pragma once
// What every ordering route shares: the app context, settings, the idempotency store and the
// payment channel. Created once at registration; each handler holds a shared_ptr to it.

#include <huicai/core/app/context.hpp>
#include <huicai/core/auth/roles.hpp>
#include <memory>

#include "idempotency.hpp"
#include "order_events.hpp"
#include "ordering_settings.hpp"
#include "payment_channel.hpp"

namespace huicai::http {
class Router;
}

namespace huicai::ordering {

struct ServiceState {
  ServiceState(app::Context& context, OrderingSettings settings);
  app::Context& context;
  OrderingSettings settings;
  Idempotency idempotency;
  SandboxChannel sandbox;
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
void add_fund_routes(http::Router& router, State state);

// Small helpers the route files share.
std::int64_t path_id(const http::Request& request, std::string_view name);  // 404 when not a number
// The caller as the actor of a transition.
Actor actor_of(const http::Request& request, std::string reason = {});

}  // namespace huicai::ordering
