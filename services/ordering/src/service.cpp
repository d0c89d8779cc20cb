// Registration of the ordering service: its routes and its background workers.
#include <algorithm>
#include <charconv>
#include <huicai/core/app/context.hpp>
#include <huicai/core/app/outbox_and_retention.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/ordering/expiry_sweeper.hpp>
#include <huicai/ordering/service.hpp>
#include <limits>

#include "service_state.hpp"

namespace huicai::ordering {

ServiceState::ServiceState(app::Context& context_in)
    : context(context_in),
      idempotency(context_in.db(), std::string(kIdempotencyTable)),
      pricing(context_in),
      placements(context_in.db(), idempotency,
                 PlacementGroupOptions{context_in.config().order_group_max,
                                       context_in.config().order_groups_in_flight},
                 &context_in.metrics()),
      sandbox(context_in.config().payment_sandbox_secret) {}

CallbackDeliveryPolicy ServiceState::callback_policy() const {
  const Config& config = context.config();
  CallbackDeliveryPolicy policy;
  policy.target_url = config.payment_sandbox_callback_url;
  if (policy.target_url.empty()) {
    // This instance's own callback route; a wildcard bind address is reached via loopback.
    std::string host = config.http_address;
    if (host == "0.0.0.0") host = "127.0.0.1";
    if (host == "::") host = "::1";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    policy.target_url = "http://" + host + ":" + std::to_string(context.listening_port()) +
                        "/v1/payments/callbacks/sandbox";
  }
  policy.max_attempts =
      static_cast<int>(std::min<std::size_t>(config.payment_callback_attempts, 1000));
  policy.backoff = config.payment_callback_backoff;
  policy.backoff_max =
      std::max(config.payment_callback_backoff_max, config.payment_callback_backoff);
  return policy;
}

http::RateLimit per_minute(std::size_t requests) {
  http::RateLimit limit;
  limit.requests =
      static_cast<int>(std::min<std::size_t>(requests, std::numeric_limits<int>::max()));
  limit.window = std::chrono::seconds(60);
  return limit;
}

Actor actor_of(const http::Request& request, std::string reason) {
  Actor actor;
  if (request.principal)
    actor.account_id = static_cast<std::int64_t>(request.principal->account_id);
  actor.reason = std::move(reason);
  actor.request_id = request.request_id;
  return actor;
}

void register_service(app::Context& context, http::Router& router) {
  auto state = std::make_shared<ServiceState>(context);
  const Config& config = context.config();
  add_cart_routes(router, state);
  add_order_routes(router, state);
  add_payment_routes(router, state);
  add_approval_routes(router, state);
  add_fulfilment_routes(router, state);
  add_after_sales_routes(router, state);
  add_inventory_routes(router, state);
  add_batch_routes(router, state);
  add_trace_routes(router, state);
  add_fund_routes(router, state);
  app::start_outbox_and_retention(context,
                                  {"ordering", std::string(kOutboxTable), std::string(kProducer),
                                   std::string(kIdempotencyTable)});
  if (config.order_sweep_interval.count() > 0) {
    context.spawn_background("ordering-expiry-sweeper", [state]() {
      const Config& settings = state->context.config();
      return run_sweeper(
          state->context.db(), settings.order_sweep_interval,
          std::chrono::duration_cast<std::chrono::seconds>(settings.order_auto_receive));
    });
  }
  // The worker delivers the sandbox's callbacks: nothing to deliver without the sandbox.
  if (config.payment_sandbox && config.payment_callback_worker) {
    DeliveryWorkerOptions options;
    options.request_timeout = config.payment_callback_timeout;
    options.idle_poll = config.payment_callback_poll;
    state->callback_worker =
        std::make_unique<CallbackDeliveryWorker>(context.db(), &context.metrics(), options);
    context.spawn_background("ordering-callback-delivery",
                             [state]() { return state->callback_worker->run(); });
  }
}

// Demo stock: every SKU the catalog's demo data made orderable gets 1,000 units, once (rows that
// exist are left alone, so seeding twice changes nothing and never undoes real sales). The
// first three SKUs hold theirs in two harvest batches (400 and 600 units), the fourth is a
// pre-sale SKU (a cap of 200, shipping in 30 days): only while no batch exists at all.
void load_demo_data(app::Context& context) {
  context.db().run_blocking([](mysql::Session& session) {
    session.execute_direct(
        "INSERT IGNORE INTO ordering_stock (sku_id, supplier_id, available) "
        "SELECT sku_id, supplier_id, 1000 FROM catalog_orderable_sku WHERE is_orderable = 1");
  });
  context.db().run_blocking(
      [](mysql::Session& session) {
        auto& any = session.prepare("SELECT 1 FROM ordering_stock_batches LIMIT 1 FOR UPDATE");
        if (mysql::query(any)->next()) return;
        const char* untouched =
            "SELECT sku_id, supplier_id FROM ordering_stock WHERE available = 1000 AND "
            "reserved = 0 AND sold = 0 AND batch_available = 0 AND presale_available = 0 ORDER BY "
            "sku_id";
        session.execute_direct(
            std::string("INSERT INTO ordering_stock_batches (sku_id, supplier_id, harvest_date, "
                        "origin_village, inspection_report, available, arrived_at) SELECT "
                        "s.sku_id, s.supplier_id, CURRENT_DATE - INTERVAL h.age DAY, h.village, "
                        "CONCAT('YL-JC-', s.sku_id, '-', h.age), h.units, NOW(6) FROM (") +
            untouched +
            " LIMIT 3) s CROSS JOIN (SELECT 80 AS age, '杨家沟村' AS village, 400 AS units "
            "UNION ALL SELECT 60, '高西沟村', 600) h");
        session.execute_direct(
            "UPDATE ordering_stock SET batch_available = available WHERE sku_id IN (SELECT "
            "sku_id FROM ordering_stock_batches)");
        session.execute_direct(
            std::string("INSERT INTO ordering_stock_batches (sku_id, supplier_id, presale, "
                        "ships_from, available) SELECT s.sku_id, s.supplier_id, 1, "
                        "CURRENT_DATE + INTERVAL 30 DAY, 200 FROM (") +
            untouched + " LIMIT 1) s");
        session.execute_direct(
            "UPDATE ordering_stock SET available = 200, presale_available = 200 WHERE sku_id "
            "IN (SELECT sku_id FROM ordering_stock_batches WHERE presale = 1) AND "
            "batch_available = 0 AND presale_available = 0");
      },
      true);
}

app::ServiceEntry service_entry() {
  return app::ServiceEntry{"ordering", &register_service, &load_demo_data};
}

}  // namespace huicai::ordering
