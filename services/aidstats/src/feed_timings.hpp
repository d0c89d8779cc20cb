#pragma once
// Where the live feed's time goes (issue 13: payment callback -> WebSocket frame): a latency
// histogram per step between an ordering event and the frames it causes, in 50 µs buckets up to
// 200 ms (lock-free counters, one atomic increment per sample), logged as a p50/p99 summary
// ("aid totals feed timings") once the feed has been quiet for a second after some activity (a
// benchmark round gets one line), at least every minute under steady traffic. Process-wide: the
// steps of one update run on the consumer's and the subscription's threads of the same process.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace huicai::aidstats {

enum class FeedStep : std::size_t {
  event_to_batch,     // event occurred (ordering's outbox row) -> the totals' handler starts
                      // (each run: a batch retried after a deadlock counts again)
  statements,         // the handler's statements (processed-events rows excluded: before it)
  commit,             // the handler returns -> the commit is done (after_commit)
  commit_to_publish,  // commit done -> the PUBLISH is sent (the hop onto the I/O loop)
  publish,            // the PUBLISH script's round trip
  channel,            // PUBLISH sent -> this process's subscription receives it (against this
                      // process's last PUBLISH: meaningful with one instance, not with workers)
  hub,                // received -> parsed, encoded, writers' wakes queued (FeedHub::publish)
  to_written,         // an update reaches the hub -> a subscriber's frame holding it is written
  count
};

using FeedClock = std::chrono::steady_clock;

void record_feed_step(FeedStep step, FeedClock::duration elapsed);
// The consumer notes when it sends a PUBLISH; the subscription measures `channel` against it
// (meaningful when the message came from this process, as in the benchmark).
void note_publish_sent(FeedClock::time_point at);
FeedClock::time_point last_publish_sent();

// The summary of each step since the last call ("" when nothing was recorded); resets them.
std::string take_feed_timings_summary();

// Samples recorded since the process started (tells whether the feed is busy).
std::uint64_t feed_samples_recorded();

// Logs the summary once the feed has been quiet for a second after some activity, or a minute
// has passed; runs until cancelled (a background loop of the service: feed_timings_log.cpp).
boost::asio::awaitable<void> log_feed_timings();

}  // namespace huicai::aidstats
