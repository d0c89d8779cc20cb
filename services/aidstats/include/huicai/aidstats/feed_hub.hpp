#pragma once
// The live feed's subscribers in this process, and the fan-out of each update to them.
//
// Each subscriber has at most one frame being written and one pending update: an update that
// arrives while the previous frame is still being written is merged into the pending one
// (FeedUpdate's amounts are absolute), so a subscriber that is behind gets the latest state in
// one frame. A subscriber whose write has not finished after `max_behind` further updates, or
// after `max_send_wait`, has stopped reading: it is dropped (its socket aborted) and the others
// never wait for it. The frame of an update is encoded once and shared by every subscriber that
// is not behind.
//
// Thread-safe; the callbacks a subscriber registers are called outside the hub's lock.
#include <chrono>
#include <cstdint>
#include <functional>
#include <huicai/aidstats/feed_update.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace huicai::aidstats {

struct FeedHubOptions {
  std::size_t max_behind = 64;
  std::chrono::milliseconds max_send_wait{5'000};
};

class FeedHub {
 public:
  struct Subscriber;
  enum class NextKind { idle, frame, snapshot, dropped };
  struct Next {
    NextKind kind = NextKind::idle;
    std::shared_ptr<const std::string> frame;  // kind == frame
  };

  explicit FeedHub(FeedHubOptions options = {});

  // `wake`: something is waiting for the subscriber (call take()). `abort`: drop its
  // connection now. Both may be called from any thread.
  std::shared_ptr<Subscriber> subscribe(std::function<void()> wake, std::function<void()> abort);
  void unsubscribe(const std::shared_ptr<Subscriber>& subscriber);

  // A message from the channel; malformed ones are ignored (false).
  bool publish_channel_message(std::string_view text);
  void publish(const FeedUpdate& update);
  // Messages may have been missed (the channel reconnected): every subscriber gets a snapshot.
  void resync();

  // What the subscriber's writer should do next; frame and snapshot mark it as sending until
  // sent() is called.
  Next take(Subscriber& subscriber);
  void sent(Subscriber& subscriber);

  std::size_t subscribers() const;
  std::uint64_t dropped() const;
  std::int64_t last_seq() const;

 private:
  FeedHubOptions options_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
  std::uint64_t dropped_ = 0;
  std::int64_t last_seq_ = 0;
};

}  // namespace huicai::aidstats
