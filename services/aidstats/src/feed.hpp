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

// Publishes the feed's rows changed by committed batches as soon as a batch commits (not after
// the consumer's XACK round trip and its return to the consumer's loop): a publisher coroutine on
// the I/O loop, at most one PUBLISH in flight, so sequence numbers go out in commit order; what
// commits meanwhile is merged (a later batch's amount of a row replaces an earlier one's) and
// goes out next.
class FeedPublisher : public std::enable_shared_from_this<FeedPublisher> {
 public:
  explicit FeedPublisher(app::Context& context) : context_(context) {}
  // A batch committed these amounts (mysql::after_commit: a database thread).
  void committed(const Totals& amounts, FeedClock::time_point committed_at = FeedClock::now());

 private:
  boost::asio::awaitable<void> run();

  app::Context& context_;
  std::mutex mutex_;
  Totals amounts_;
  FeedClock::time_point first_committed_at_{};
  bool running_ = false;  // a publisher coroutine is publishing or about to
};

// The snapshot frame: every all-time row as it is now (the daily trend comes from the REST
// series and the updates).
boost::asio::awaitable<std::string> snapshot_frame(app::Context& context);

// The process's hub and its subscription to the channel (a background loop).
std::shared_ptr<FeedHub> start_feed(app::Context& context);

}  // namespace huicai::aidstats
