// The live feed between the totals' consumer, Redis pub/sub and the WebSocket subscribers
// (feed.hpp).
#include "feed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <huicai/core/redis/client_options_from.hpp>
#include <huicai/core/redis/subscription.hpp>
#include <utility>
#include <vector>

#include "totals_queries.hpp"

namespace huicai::aidstats {
namespace {

// INCR the sequence and PUBLISH the message carrying it, atomically: subscribers see the
// numbers in order.
constexpr const char* kPublishScript =
    "local seq = redis.call('INCR', KEYS[1]) "
    "redis.call('PUBLISH', ARGV[1], '{\"seq\":' .. seq .. ARGV[2]) "
    "return seq";

std::vector<std::string> publish_command(const std::string& channel, const std::string& tail) {
  return {"EVAL", kPublishScript, "1", feed_sequence_key(), channel, tail};
}

std::vector<std::string> sequence_command() {
  return {"GET", feed_sequence_key()};
}

}  // namespace

std::string feed_channel(const Config& config) {
  return "huicai:{aidstats}:feed:db" + std::to_string(config.redis_database);
}

std::string feed_sequence_key() {
  return "huicai:{aidstats}:feed:seq";
}

Totals feed_amounts(Totals amounts_after) {
  std::erase_if(amounts_after, [](const auto& entry) { return !feed_carries(entry.first); });
  return amounts_after;
}

// Publishes `amounts` (not empty).
boost::asio::awaitable<void> publish_changes(app::Context& context, Totals amounts) {
  const auto command =
      publish_command(feed_channel(context.config()), channel_message_tail(amounts));
  const auto sent = FeedClock::now();
  note_publish_sent(sent);
  auto reply = co_await context.redis().command(command);
  record_feed_step(FeedStep::publish, FeedClock::now() - sent);
  if (!reply || reply->is_error()) {
    // The totals are committed; a subscriber catches up with the next update or on reconnect.
    log::warn("aid totals feed: publish failed",
              {{"error", reply ? reply->text : reply.error().message()}});
  }
}

void FeedPublisher::committed(const Totals& amounts, FeedClock::time_point committed_at) {
  if (amounts.empty()) return;
  {
    std::lock_guard lock(mutex_);
    if (amounts_.empty()) first_committed_at_ = committed_at;
    for (const auto& [key, amount] : amounts) amounts_[key] = amount;
    if (running_) return;  // the running publisher takes these next
    running_ = true;
  }
  boost::asio::co_spawn(
      context_.io(), [self = shared_from_this()] { return self->run(); }, boost::asio::detached);
}

boost::asio::awaitable<void> FeedPublisher::run() {
  for (;;) {
    Totals amounts;
    FeedClock::time_point committed_at;
    {
      std::lock_guard lock(mutex_);
      if (amounts_.empty()) {
        running_ = false;
        co_return;
      }
      amounts = std::exchange(amounts_, {});
      committed_at = first_committed_at_;
    }
    record_feed_step(FeedStep::commit_to_publish, FeedClock::now() - committed_at);
    try {
      co_await publish_changes(context_, std::move(amounts));
    } catch (const std::exception& error) {
      // The totals are committed; a subscriber catches up with the next update or on reconnect.
      log::warn("aid totals feed: publish failed", {{"error", error.what()}});
    }
  }
}

boost::asio::awaitable<std::string> snapshot_frame(app::Context& context) {
  const auto get_sequence = sequence_command();
  auto seq_reply = co_await context.redis().command(get_sequence);
  FeedUpdate snapshot;
  if (seq_reply && seq_reply->type == redis::Reply::Type::string) {
    snapshot.seq = std::stoll(seq_reply->text);
  }
  auto read = [](mysql::Session& session) {
    Totals values;
    auto& select = session.prepare(
        "SELECT dimension, period, item, amount_fen FROM aidstats_totals WHERE period = ''");
    auto rows = mysql::query(select);
    while (rows->next()) {
      values[TotalKey{mysql::get_string(*rows, "dimension"), mysql::get_string(*rows, "period"),
                      mysql::get_string(*rows, "item")}] = rows->getInt64("amount_fen");
    }
    return values;
  };
  snapshot.values = co_await context.db().run(read);
  snapshot.values.try_emplace(TotalKey{"total", "", ""}, 0);
  co_return subscriber_frame("snapshot", snapshot);
}

std::shared_ptr<FeedHub> start_feed(app::Context& context) {
  auto hub = std::make_shared<FeedHub>();
  context.spawn_background("aidstats-feed-subscription", [&context, hub] {
    redis::SubscriptionHandlers handlers;
    handlers.on_message = [hub](std::string_view payload) {
      const auto received = FeedClock::now();
      const auto since_publish = received - last_publish_sent();
      if (since_publish < std::chrono::seconds(1))
        record_feed_step(FeedStep::channel, since_publish);
      if (!hub->publish_channel_message(payload)) {
        log::warn("aid totals feed: malformed message ignored", {{"bytes", payload.size()}});
      }
      record_feed_step(FeedStep::hub, FeedClock::now() - received);
    };
    // Updates may have been missed while the subscription was down.
    handlers.on_subscribed = [hub] { hub->resync(); };
    return redis::run_subscription(redis::client_options_from(context.config()),
                                   feed_channel(context.config()), std::move(handlers));
  });
  return hub;
}

}  // namespace huicai::aidstats
