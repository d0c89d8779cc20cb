// Chunked wakes of the feed's writers (feed_waker.hpp).
#include "feed_waker.hpp"

#include <boost/asio/post.hpp>
#include <utility>
#include <vector>

namespace huicai::aidstats {

namespace asio = boost::asio;

FeedWaker::FeedWaker(asio::any_io_executor executor, std::size_t chunk)
    : executor_(std::move(executor)), chunk_(chunk == 0 ? 1 : chunk) {}

void FeedWaker::wake(std::shared_ptr<Target> target) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(target));
    if (scheduled_) return;
    scheduled_ = true;
  }
  asio::post(executor_, [self = shared_from_this()] { self->drain(); });
}

void FeedWaker::drain() {
  std::vector<std::shared_ptr<Target>> chunk;
  bool more = false;
  {
    std::lock_guard lock(mutex_);
    while (!queue_.empty() && chunk.size() < chunk_) {
      chunk.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    more = !queue_.empty();
    scheduled_ = more;
  }
  for (auto& target : chunk) {
    auto cancel = [target] {
      if (target->alive) target->timer->cancel();
    };
    // A writer on this loop is woken here; one on another executor (a strand per connection
    // when the server runs several threads) on its own.
    if (target->executor == executor_) {
      cancel();
    } else {
      asio::post(target->executor, std::move(cancel));
    }
  }
  // Behind the resumptions this chunk queued, and behind whatever else arrived meanwhile.
  if (more) asio::post(executor_, [self = shared_from_this()] { self->drain(); });
}

}  // namespace huicai::aidstats
