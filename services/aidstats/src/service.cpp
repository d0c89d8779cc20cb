// Registration of the aid totals service: its routes, its outbox relay (audit entries of
// reserved-share filings) and the totals' consumer of ordering's events.

#include <huicai/aidstats/service.hpp>
#include <huicai/aidstats/totals.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/app/outbox_and_retention.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/mysql/after_commit.hpp>
#include <huicai/core/mysql/pool.hpp>

#include "feed.hpp"
#include "feed_timings.hpp"
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
  context.spawn_background("aidstats-feed-timings", &log_feed_timings);
  app::start_outbox_and_retention(context, {"aidstats", "aidstats_outbox", "aidstats", ""});
  // The amounts of the rows each batch changed, published on the live feed once it committed.
  auto publisher = std::make_shared<FeedPublisher>(context);
  context.spawn_background(
      "aidstats-totals-consumer", [&context, publisher]() -> boost::asio::awaitable<void> {
        auto options = totals_consumer_options();
        options.metrics = &context.metrics();
        events::BatchHandler handler = [publisher](mysql::Session& session,
                                                   std::span<const events::ReceivedEvent> batch) {
          const auto started = FeedClock::now();
          const auto occurred = std::chrono::system_clock::time_point(
              std::chrono::microseconds(batch.front().occurred_at_us));
          record_feed_step(FeedStep::event_to_batch, std::chrono::system_clock::now() - occurred);
          Totals amounts_after;
          apply_ordering_events(session, batch, &amounts_after);
          auto amounts = feed_amounts(std::move(amounts_after));
          const auto applied = FeedClock::now();
          record_feed_step(FeedStep::statements, applied - started);
          // Only what commits is published (a batch rolled back and retried notes nothing).
          mysql::after_commit(session, [publisher, applied, amounts = std::move(amounts)] {
            const auto committed = FeedClock::now();
            record_feed_step(FeedStep::commit, committed - applied);
            publisher->committed(amounts, committed);
          });
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
