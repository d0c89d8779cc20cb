// The pace of the feed's frames (feed_pacer.hpp).
#include "feed_pacer.hpp"

#include <utility>

namespace huicai::aidstats {

using Clock = std::chrono::steady_clock;

FeedPacer::FeedPacer(boost::asio::any_io_executor executor, std::shared_ptr<FeedHub> hub,
                     std::chrono::milliseconds interval)
    : hub_(std::move(hub)), interval_(interval), timer_(std::move(executor)) {}

void FeedPacer::offer(const FeedUpdate& update) {
  if (held_) {
    merge_into(*held_, update);  // the timer is set
    return;
  }
  const auto now = Clock::now();
  if (interval_.count() == 0 || now - last_frame_ >= interval_) {
    last_frame_ = now;
    hub_->publish(update);
    return;
  }
  held_ = update;
  timer_.expires_at(last_frame_ + interval_);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (!error) self->flush();
  });
}

void FeedPacer::flush() {
  if (!held_) return;
  last_frame_ = Clock::now();
  auto update = std::move(*held_);
  held_.reset();
  hub_->publish(update);
}

}  // namespace huicai::aidstats
