// Registration of the settlement service: its routes, its outbox relay (audit entries, overdue
// events), the overdue sweeper and the ledger's consumer of ordering events.

#include <huicai/core/app/context.hpp>
#include <huicai/core/app/outbox_and_retention.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/settlement/ledger.hpp>
#include <huicai/settlement/overdue.hpp>
#include <huicai/settlement/service.hpp>

#include "routes.hpp"

namespace huicai::settlement {

events::ConsumerOptions ledger_consumer_options(std::string group) {
  events::ConsumerOptions options;
  options.stream = "ordering";
  options.group = std::move(group);
  options.consumer_name = events::this_process_consumer_name();
  options.processed_table = "settlement_processed_events";
  // Only what the ledger posts: the other ordering events are acknowledged without touching
  // MySQL.
  options.event_types = {"ordering.order_paid.v1", "ordering.fulfilment_received.v1",
                         "ordering.fulfilment_accepted.v1", "ordering.refund_completed.v1"};
  return options;
}

events::BatchHandler ledger_handler(const Config& config) {
  const int due_days = static_cast<int>(config.payment_due.count());
  // One transaction and one commit per batch; events in stream order, so an order's payment is
  // posted before its acceptance even within one batch.
  return [due_days](mysql::Session& session, std::span<const events::ReceivedEvent> batch) {
    for (const auto& event : batch) post_ordering_event(session, event, due_days);
  };
}

void register_service(app::Context& context, http::Router& router) {
  add_routes(router, context);
  app::start_outbox_and_retention(context,
                                  {"settlement", std::string(kOutboxTable), std::string(kProducer),
                                   std::string(kIdempotencyTable)});
  context.spawn_background("settlement-overdue-sweeper",
                           [&context]() { return run_overdue_sweeper(context); });
  if (context.config().ledger_consumer) {
    context.spawn_background(
        "settlement-ledger-consumer", [&context]() -> boost::asio::awaitable<void> {
          auto options = ledger_consumer_options();
          options.metrics = &context.metrics();             // entries failing the envelope check
          options.linger = context.config().events_linger;  // statements need no live ledger
          events::Consumer consumer(context.db(), context.dedicated_redis("settlement-ledger"),
                                    std::move(options), ledger_handler(context.config()));
          co_await consumer.run();
        });
  }
}

app::ServiceEntry service_entry() {
  return app::ServiceEntry{"settlement", &register_service, nullptr, &run_command};
}

}  // namespace huicai::settlement
