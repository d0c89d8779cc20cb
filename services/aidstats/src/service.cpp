// Registration of the aid totals service: its routes, its outbox relay (audit entries of
// reserved-share filings) and the totals' consumer of ordering's events.

#include <huicai/aidstats/service.hpp>
#include <huicai/aidstats/totals.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/events/relay.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/mysql/after_commit.hpp>
#include <huicai/core/mysql/pool.hpp>

#include "feed.hpp"
#include "routes.hpp"

namespace huicai::aidstats {

events::ConsumerOptions totals_consumer_options(std::string group) {
  events::ConsumerOptions options;
  options.stream = "ordering";
  options.group = std::move(group);
  options.consumer_name = events::this_process_consumer_name();
  options.processed_table = "aidstats_processed_events";
  options.event_types = kTotalsEventTypes;
  return options;
}

events::BatchHandler totals_handler() {
  return [](mysql::Session& session, std::span<const events::ReceivedEvent> batch) {
    apply_ordering_events(session, batch);
  };
}

void register_service(app::Context& context, http::Router& router) {
  add_routes(router, context);
  context.spawn_background("aidstats-outbox-relay", [&context]() -> boost::asio::awaitable<void> {
    events::Relay relay(context.db(), context.redis(),
                        events::RelayOptions{"aidstats_outbox", "aidstats"}, &context.metrics());
    co_await relay.run();
  });
  // The amounts of the rows each batch changed, published on the live feed once it committed.
  auto changed = std::make_shared<ChangedRows>();
  context.spawn_background(
      "aidstats-totals-consumer", [&context, changed]() -> boost::asio::awaitable<void> {
        auto options = totals_consumer_options();
        options.metrics = &context.metrics();
        options.after_batch = [&context, changed] {
          return publish_changes(context, changed->take());
        };
        events::BatchHandler handler = [changed](mysql::Session& session,
                                                 std::span<const events::ReceivedEvent> batch) {
          auto amounts = feed_amounts(session, apply_ordering_events(session, batch));
          // Only what commits is published (a batch rolled back and retried notes nothing).
          mysql::after_commit(session,
                              [changed, amounts = std::move(amounts)] { changed->note(amounts); });
        };
        events::Consumer consumer(context.db(), context.dedicated_redis("aidstats-totals"),
                                  std::move(options), std::move(handler));
        co_await consumer.run();
      });
}

app::ServiceEntry service_entry() {
  return app::ServiceEntry{"aidstats", &register_service, nullptr, &run_command};
}

}  // namespace huicai::aidstats
