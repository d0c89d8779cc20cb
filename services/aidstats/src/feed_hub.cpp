// The live feed's fan-out (feed_hub.hpp).
#include <algorithm>
#include <huicai/aidstats/feed_hub.hpp>

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
  std::size_t behind = 0;  // updates that arrived during the current write
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
  auto shared = std::make_shared<const FeedUpdate>(update);
  auto frame = std::make_shared<const std::string>(subscriber_frame("update", update));
  std::vector<std::function<void()>> wakes, aborts;
  {
    std::lock_guard lock(mutex_);
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
          aborts.push_back(subscriber->abort);
          continue;
        }
      }
      if (subscriber->needs_snapshot) continue;  // the snapshot will hold it
      if (!subscriber->pending) {
        subscriber->pending = shared;
        subscriber->pending_frame = frame;
      } else {
        auto merged = std::make_shared<FeedUpdate>(*subscriber->pending);
        merge_into(*merged, update);
        subscriber->pending = std::move(merged);
        subscriber->pending_frame.reset();
      }
      if (!subscriber->sending) wakes.push_back(subscriber->wake);
    }
  }
  for (auto& abort : aborts) abort();
  for (auto& wake : wakes) wake();
}

void FeedHub::resync() {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard lock(mutex_);
    for (const auto& subscriber : subscribers_) {
      if (subscriber->dropped) continue;
      subscriber->needs_snapshot = true;
      subscriber->pending.reset();
      subscriber->pending_frame.reset();
      if (!subscriber->sending) wakes.push_back(subscriber->wake);
    }
  }
  for (auto& wake : wakes) wake();
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
    } else if (subscriber.pending) {
      next.kind = NextKind::frame;
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
  std::lock_guard lock(mutex_);
  subscriber.sending = false;
  subscriber.behind = 0;
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
