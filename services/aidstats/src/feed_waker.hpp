#pragma once
// Wakes the feed's subscriber writers a chunk at a time. An update wakes every subscriber of
// the process: waking 1,000 at once queued 1,000 writer resumptions (and their writes) on the
// I/O loop in one go, and everything else that loop serves (the payment callback, the relay,
// the totals' consumer, Redis replies, the socket readiness poll itself) waited behind the whole
// fan-out. Here the wakes go out `chunk` at a time, the next chunk queued behind what the last
// one started, so other work waits for at most a chunk's writes.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

namespace huicai::aidstats {

class FeedWaker : public std::enable_shared_from_this<FeedWaker> {
 public:
  // A writer waiting on `timer` (cancelled to wake it). `timer` and `alive` are touched only on
  // `executor`, the writer's; alive is false once the writer is gone.
  struct Target {
    boost::asio::any_io_executor executor;
    boost::asio::steady_timer* timer = nullptr;
    bool alive = true;
  };

  FeedWaker(boost::asio::any_io_executor executor, std::size_t chunk);

  // Any thread. Wakes `target` soon, in the order asked.
  void wake(std::shared_ptr<Target> target);

 private:
  void drain();

  boost::asio::any_io_executor executor_;
  std::size_t chunk_;
  std::mutex mutex_;
  std::deque<std::shared_ptr<Target>> queue_;
  bool scheduled_ = false;  // a drain is posted
};

}  // namespace huicai::aidstats
