// The live feed's fan-out (feed_hub.hpp).
#include <algorithm>
#include <huicai/aidstats/feed_hub.hpp>
#include <utility>

#include "feed_timings.hpp"

namespace huicai::aidstats {

using Clock = std::chrono::steady_clock;

struct FeedHub::Subscriber {
  std::function<void()> wake;
  std::function<void()> abort;
  // The update not yet sent: shared with every subscriber that was idle when it arrived, or
  // this subscriber's own merge of several.
  std::shared_ptr<const FeedUpdate> pending;
  std::shared_ptr<const std::string> pending_frame;  // encoded `pending`, when shared
  bool needs_snapshot = true;                        // a new subscriber starts with one
  bool sending = false;
  Clock::time_point sending_since;
  std::size_t behind = 0;           // updates that arrived during the current write
  Clock::time_point pending_since;  // when the oldest update of `pending` reached the hub
  Clock::time_point writing_since;  // the same for the frame being written (none: snapshot)
  bool dropped = false;
};

FeedHub::FeedHub(FeedHubOptions options) : options_(options) {}

std::shared_ptr<FeedHub::Subscriber> FeedHub::subscribe(std::function<void()> wake,
                                                        std::function<void()> abort) {
  auto subscriber = std::make_shared<Subscriber>();
  subscriber->wake = std::move(wake);
  subscriber->abort = std::move(abort);
  std::lock_guard lock(mutex_);
  subscribers_.push_back(subscriber);
  return subscriber;
}

void FeedHub::unsubscribe(const std::shared_ptr<Subscriber>& subscriber) {
  std::lock_guard lock(mutex_);
  std::erase(subscribers_, subscriber);
}

bool FeedHub::publish_channel_message(std::string_view text) {
  auto update = parse_channel_message(text);
  if (!update) return false;
  publish(*update);
  return true;
}

void FeedHub::publish(const FeedUpdate& update) {
  const auto arrived = Clock::now();
  auto shared = std::make_shared<const FeedUpdate>(update);
  auto frame = std::make_shared<const std::string>(subscriber_frame("update", update));
  // The subscribers to call, not copies of their callbacks: a copy of each wake is a heap
  // allocation per subscriber and update.
  std::vector<std::shared_ptr<Subscriber>> wakes, aborts;
  // Subscribers not woken since the previous update all hold that update: their merge with this
  // one is made and encoded once (at 1,000 subscribers an encoding per subscriber cost more
  // than the fan-out's writes).
  std::shared_ptr<const FeedUpdate> merged_from, merged;
  std::shared_ptr<const std::string> merged_frame;
  {
    std::lock_guard lock(mutex_);
    wakes.reserve(subscribers_.size());
    last_seq_ = std::max(last_seq_, update.seq);
    const auto now = Clock::now();
    for (const auto& subscriber : subscribers_) {
      if (subscriber->dropped) continue;
      if (subscriber->sending) {
        ++subscriber->behind;
        if (subscriber->behind > options_.max_behind ||
            now - subscriber->sending_since > options_.max_send_wait) {
          subscriber->dropped = true;
          subscriber->pending.reset();
          subscriber->pending_frame.reset();
          ++dropped_;
          aborts.push_back(subscriber);
          continue;
        }
      }
      if (subscriber->needs_snapshot) continue;  // the snapshot will hold it
      if (!subscriber->pending) {
        subscriber->pending_since = arrived;
        subscriber->pending = shared;
        subscriber->pending_frame = frame;
      } else if (subscriber->pending == merged_from) {
        // Not woken yet since the last update, like the subscribers before it: the same merge.
        subscriber->pending = merged;
        subscriber->pending_frame = merged_frame;
      } else {
        auto own = std::make_shared<FeedUpdate>(*subscriber->pending);
        merge_into(*own, update);
        if (subscriber->pending_frame) {
          // A shared pending update (the others still holding it get this merge too): encoded
          // once for all of them.
          merged_from = subscriber->pending;
          merged = own;
          merged_frame = std::make_shared<const std::string>(subscriber_frame("update", *own));
          subscriber->pending_frame = merged_frame;
        } else {
          subscriber->pending_frame.reset();  // its own merge: encoded when taken
        }
        subscriber->pending = std::move(own);
      }
      if (!subscriber->sending) wakes.push_back(subscriber);
    }
  }
  for (const auto& subscriber : aborts) subscriber->abort();
  for (const auto& subscriber : wakes) subscriber->wake();
}

void FeedHub::resync() {
  std::vector<std::shared_ptr<Subscriber>> wakes;
  {
    std::lock_guard lock(mutex_);
    for (const auto& subscriber : subscribers_) {
      if (subscriber->dropped) continue;
      subscriber->needs_snapshot = true;
      subscriber->pending.reset();
      subscriber->pending_frame.reset();
      if (!subscriber->sending) wakes.push_back(subscriber);
    }
  }
  for (const auto& subscriber : wakes) subscriber->wake();
}

FeedHub::Next FeedHub::take(Subscriber& subscriber) {
  std::shared_ptr<const FeedUpdate> pending;
  Next next;
  {
    std::lock_guard lock(mutex_);
    if (subscriber.dropped) return {NextKind::dropped, nullptr};
    if (subscriber.needs_snapshot) {
      subscriber.needs_snapshot = false;
      subscriber.pending.reset();  // the snapshot is newer
      subscriber.pending_frame.reset();
      next.kind = NextKind::snapshot;
      subscriber.writing_since = {};
    } else if (subscriber.pending) {
      next.kind = NextKind::frame;
      subscriber.writing_since = subscriber.pending_since;
      next.frame = std::move(subscriber.pending_frame);
      pending = std::move(subscriber.pending);
      subscriber.pending.reset();
      subscriber.pending_frame.reset();
    } else {
      return next;  // idle
    }
    subscriber.sending = true;
    subscriber.sending_since = Clock::now();
    subscriber.behind = 0;
  }
  // A merged update is this subscriber's own: encoded here, outside the lock.
  if (next.kind == NextKind::frame && !next.frame) {
    next.frame = std::make_shared<const std::string>(subscriber_frame("update", *pending));
  }
  return next;
}

void FeedHub::sent(Subscriber& subscriber) {
  Clock::time_point writing_since;
  {
    std::lock_guard lock(mutex_);
    subscriber.sending = false;
    subscriber.behind = 0;
    writing_since = std::exchange(subscriber.writing_since, {});
  }
  if (writing_since != Clock::time_point{}) {
    record_feed_step(FeedStep::to_written, Clock::now() - writing_since);
  }
}

std::size_t FeedHub::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

std::uint64_t FeedHub::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::int64_t FeedHub::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

}  // namespace huicai::aidstats
