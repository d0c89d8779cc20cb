#pragma once
// The pace of the feed's frames in one instance. Every totals batch publishes an update; with
// 200 payments a second that was ~50 frames a second, each written to every subscriber (1,000
// writes of ~1 KB, the largest CPU cost of the live feed). An update that arrives at least
// `interval` after the last frame goes out at once; one that arrives sooner is held and merged
// (amounts are absolute) with any that follow, and goes out `interval` after the last frame.
// So a quiet feed is as fast as before and a busy one sends at most 1 / interval frames.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <huicai/aidstats/feed_hub.hpp>
#include <memory>
#include <optional>

namespace huicai::aidstats {

class FeedPacer : public std::enable_shared_from_this<FeedPacer> {
 public:
  // interval 0: every update goes out at once.
  FeedPacer(boost::asio::any_io_executor executor, std::shared_ptr<FeedHub> hub,
            std::chrono::milliseconds interval);

  // On the executor.
  void offer(const FeedUpdate& update);

 private:
  void flush();

  std::shared_ptr<FeedHub> hub_;
  std::chrono::milliseconds interval_;
  boost::asio::steady_timer timer_;
  std::optional<FeedUpdate> held_;
  std::chrono::steady_clock::time_point last_frame_{};
};

}  // namespace huicai::aidstats
