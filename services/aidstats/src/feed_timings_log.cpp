// The background loop that logs the live feed's step timings (feed_timings.hpp).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/core/log.hpp>

#include "feed_timings.hpp"

namespace huicai::aidstats {

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

}  // namespace huicai::aidstats
