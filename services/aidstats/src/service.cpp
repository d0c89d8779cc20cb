// Registration of the aid totals service: its routes, its outbox relay (audit entries of
// reserved-share filings) and the totals' consumer of ordering's events.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/aidstats/service.hpp>
#include <huicai/aidstats/totals.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/events/relay.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/after_commit.hpp>
#include <huicai/core/mysql/pool.hpp>

#include "feed.hpp"
#include "feed_timings.hpp"
#include "routes.hpp"

namespace huicai::aidstats {

namespace {

// Logs the feed's step timings (feed_timings.hpp) once it has been quiet for a second after
// some activity, or a minute has passed.
boost::asio::awaitable<void> log_feed_timings() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  auto last_count = feed_samples_recorded();
  bool pending = false;  // samples recorded since the last summary
  FeedClock::time_point pending_since;
  for (;;) {
    timer.expires_after(std::chrono::seconds(1));
    auto [error] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (error) co_return;  // stopping
    const auto count = feed_samples_recorded();
    const bool quiet = count == last_count;
    last_count = count;
    if (!quiet && !pending) {
      pending = true;
      pending_since = FeedClock::now();
    }
    if (pending && (quiet || FeedClock::now() - pending_since >= std::chrono::minutes(1))) {
      if (auto steps = take_feed_timings_summary(); !steps.empty()) {
        log::info("aid totals feed timings", {{"steps", steps}});
      }
      pending = false;
    }
  }
}

}  // namespace

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
  context.spawn_background("aidstats-outbox-relay", [&context]() -> boost::asio::awaitable<void> {
    events::Relay relay(context.db(), context.redis(),
                        events::RelayOptions{"aidstats_outbox", "aidstats"}, &context.metrics());
    co_await relay.run();
  });
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
