#pragma once
// The live aid totals feed across instances: the totals' consumer reads the amounts of the rows
// each batch changes inside the batch's transaction; after the batch commits they are PUBLISHed
// on one Redis channel with a sequence number (a Lua script: INCR + PUBLISH, so numbers go out in
// order). Every instance SUBSCRIBEs to the channel and fans the updates out to its own WebSocket
// subscribers (feed_hub.hpp). A snapshot read from aidstats_totals starts every subscription.
#include <boost/asio/awaitable.hpp>
#include <huicai/aidstats/feed_hub.hpp>
#include <huicai/core/app/context.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "feed_timings.hpp"

namespace huicai::mysql {
class Session;
}

namespace huicai::aidstats {

// Redis names, with the logical database in the channel's name: pub/sub ignores SELECT, and the
// test suite's database must not feed the demo's dashboards.
std::string feed_channel(const Config& config);
std::string feed_sequence_key();

// The feed's rows (feed_carries) among `amounts_after`, the amounts of the rows a batch changed
// as its upserts left them (add_to_totals): the rows are locked by the batch, so these are the
// amounts it commits. No read of the totals, before or after the commit.
Totals feed_amounts(Totals amounts_after);

// The feed's rows changed by committed batches since the last publish, with their latest amounts.
// note() runs on database threads (mysql::after_commit), take() on the consumer's.
class ChangedRows {
 public:
  void note(const Totals& amounts, FeedClock::time_point committed_at = FeedClock::now());
  // `first_committed_at` (when given): the commit of the oldest batch taken.
  Totals take(FeedClock::time_point* first_committed_at = nullptr);

 private:
  std::mutex mutex_;
  Totals amounts_;
  FeedClock::time_point first_committed_at_{};
};

// Publishes `amounts` (nothing when empty).
boost::asio::awaitable<void> publish_changes(app::Context& context, Totals amounts);

// The snapshot frame: every all-time row as it is now (the daily trend comes from the REST
// series and the updates).
boost::asio::awaitable<std::string> snapshot_frame(app::Context& context);

// The process's hub and its subscription to the channel (a background loop).
std::shared_ptr<FeedHub> start_feed(app::Context& context);

}  // namespace huicai::aidstats
