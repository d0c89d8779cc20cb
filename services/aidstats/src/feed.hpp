#pragma once
// The live aid totals feed across instances: the totals' consumer notes the rows each batch
// changes; after the batch commits, their amounts are read back and PUBLISHed on one Redis
// channel with a sequence number (a Lua script: INCR + PUBLISH, so numbers go out in order).
// Every instance SUBSCRIBEs to the channel and fans the updates out to its own WebSocket
// subscribers (feed_hub.hpp). A snapshot read from aidstats_totals starts every subscription.
#include <boost/asio/awaitable.hpp>
#include <huicai/aidstats/feed_hub.hpp>
#include <huicai/core/app/context.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace huicai::aidstats {

// Redis names, with the logical database in the channel's name: pub/sub ignores SELECT, and the
// test suite's database must not feed the demo's dashboards.
std::string feed_channel(const Config& config);
std::string feed_sequence_key();

// The rows changed by batches since the last publish. note() runs on database threads.
class ChangedRows {
 public:
  void note(const Totals& delta);
  std::set<TotalKey> take();

 private:
  std::mutex mutex_;
  std::set<TotalKey> rows_;
};

// Reads the amounts of `rows` and publishes them; nothing when `rows` is empty.
boost::asio::awaitable<void> publish_changes(app::Context& context, std::set<TotalKey> rows);

// The snapshot frame: every all-time row as it is now (the daily trend comes from the REST
// series and the updates).
boost::asio::awaitable<std::string> snapshot_frame(app::Context& context);

// The process's hub and its subscription to the channel (a background loop).
std::shared_ptr<FeedHub> start_feed(app::Context& context);

}  // namespace huicai::aidstats
