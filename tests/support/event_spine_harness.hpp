#pragma once
// The pieces of the event spine wired to the stack's MariaDB and Redis, for the events and
// restarts integration tests: a pool, a Redis client for the relay, one per consumer, and the
// test producer/consumer tables of db/migrations/0002_core_selftest_events.sql.
//
// Every harness uses its own stream and aggregate ids (random suffix), so tests can run twice
// and side by side. Other tests' relays may publish this harness's rows (any relay may publish
// any row of core_selftest_outbox); assertions look at streams and effects, not at which relay
// did the work.

#include <huicai/events/v1/envelope.pb.h>

#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <huicai/core/config.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/events/consumer.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/events/relay.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <huicai/core/redis/client.hpp>
#include <io_thread.hpp>
#include <memory>
#include <mysql_test_options.hpp>
#include <redis_test_options.hpp>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace huicai::test {

inline constexpr const char* kSelftestOutbox = "core_selftest_outbox";
inline constexpr const char* kSelftestProducer = "core_selftest";
inline constexpr const char* kSelftestProcessed = "core_selftest_processed_events";
inline constexpr const char* kSelftestEventType = "core_selftest.amount_recorded.v1";

class EventSpineHarness {
 public:
  EventSpineHarness()
      : suffix(unique_suffix()),
        stream("selftest_" + suffix),
        pool(io.executor(), mysql_test_options()),
        redis(io.executor(), redis_test_options()) {
    redis.start();
  }

  ~EventSpineHarness() {
    for (auto& client : consumer_clients_) stop_client(*client);
    stop_client(redis);
    pool.close();
  }

  // Waits (bounded) until the relay's client is connected.
  bool redis_connected(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return wait_until([&] { return redis.connected(); }, timeout);
  }

  // Enqueues one event per amount in ONE transaction; `commit` false throws inside it so the
  // transaction rolls back. Returns the event ids (as enqueue returned them).
  std::vector<std::string> enqueue(const std::vector<long long>& amounts, bool commit = true,
                                   const std::string& type = kSelftestEventType) {
    std::vector<std::string> ids;
    const std::string aggregate = aggregate_id();
    auto write = [&](mysql::Session& session) {
      ids.clear();  // the function may run again on a deadlock retry
      for (auto amount : amounts) {
        events::OutgoingEvent event;
        event.stream = stream;
        event.type = type;
        event.aggregate_id = aggregate;
        event.payload = std::to_string(amount);
        event.request_id = "req-" + suffix;
        ids.push_back(events::enqueue(session, kSelftestOutbox, kSelftestProducer, event));
      }
      if (!commit) throw std::runtime_error("rolled back on purpose");
    };
    io.run<int>([&]() -> boost::asio::awaitable<int> {
      co_await pool.transaction(write);
      co_return 0;
    });
    return ids;
  }

  events::RelayOptions relay_options(std::size_t batch_size = 200) const {
    events::RelayOptions options;
    options.outbox_table = kSelftestOutbox;
    options.producer = kSelftestProducer;
    options.batch_size = batch_size;
    options.idle_poll = std::chrono::milliseconds(20);
    options.error_backoff = std::chrono::milliseconds(100);
    return options;
  }

  // Publishes until a batch comes back empty; returns how many this relay published.
  std::size_t relay_all(events::Relay& relay) {
    return io.run<std::size_t>([&]() -> boost::asio::awaitable<std::size_t> {
      std::size_t total = 0;
      for (;;) {
        auto published = co_await relay.publish_batch();
        if (published == 0) co_return total;
        total += published;
      }
    });
  }

  // A consumer of this harness's stream on a Redis client of its own. Its handler records the
  // effect (amount from the payload) in core_selftest_effects; `before_effect` may throw to
  // simulate a failing handler.
  std::unique_ptr<events::Consumer> make_consumer(
      const std::string& group, const std::string& consumer_name,
      std::chrono::milliseconds reclaim_after = std::chrono::seconds(30),
      std::function<void(const events::ReceivedEvent&)> before_effect = {},
      metrics::Registry* metrics = nullptr) {
    auto options = consumer_options(group, consumer_name, reclaim_after);
    options.metrics = metrics;
    return std::make_unique<events::Consumer>(
        pool, new_consumer_client(), options,
        [group, before_effect](mysql::Session& session, const events::ReceivedEvent& event) {
          if (before_effect) before_effect(event);
          record_effect(session, group, event);
        });
  }

  // A batched consumer of the declared types, with the same effect per event. `before_effect`
  // sees the batch and the index of the event about to be applied; it may throw to fail the
  // batch half-way (after the effects of the events before it).
  using BatchHook =
      std::function<void(std::span<const events::ReceivedEvent> batch, std::size_t index)>;
  std::unique_ptr<events::Consumer> make_batch_consumer(
      const std::string& group, const std::string& consumer_name,
      std::vector<std::string> event_types, BatchHook before_effect = {},
      std::chrono::milliseconds reclaim_after = std::chrono::seconds(30),
      metrics::Registry* metrics = nullptr,
      std::chrono::milliseconds linger = std::chrono::milliseconds(0)) {
    auto options = consumer_options(group, consumer_name, reclaim_after);
    options.event_types = std::move(event_types);
    options.metrics = metrics;
    options.linger = linger;
    return std::make_unique<events::Consumer>(
        pool, new_consumer_client(), options,
        events::BatchHandler([group, before_effect](mysql::Session& session,
                                                    std::span<const events::ReceivedEvent> batch) {
          for (std::size_t i = 0; i < batch.size(); ++i) {
            if (before_effect) before_effect(batch, i);
            record_effect(session, group, batch[i]);
          }
        }));
  }

  // Polls until `done` holds or the timeout passes; returns whether it held.
  bool consume_until(events::Consumer& consumer, const std::function<bool()>& done,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      try {
        io.run<std::size_t>([&]() { return consumer.poll_once(); });
      } catch (const ServiceUnavailable&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    return true;
  }

  struct EffectCounts {
    long long rows = 0;
    long long distinct_events = 0;
    long long amount_fen = 0;
  };
  EffectCounts effects(const std::string& group) {
    const std::string aggregate = aggregate_id();
    auto count = [&](mysql::Session& session) {
      auto& select = session.prepare(
          "SELECT COUNT(*) AS n, COUNT(DISTINCT event_id) AS d, COALESCE(SUM(amount_fen), 0) AS s"
          " FROM core_selftest_effects WHERE aggregate_id = ? AND consumer_group = ?");
      mysql::bind(select, aggregate, group);
      auto row = mysql::query(select);
      row->next();
      return EffectCounts{row->getInt64("n"), row->getInt64("d"), row->getInt64("s")};
    };
    return io.run<EffectCounts>(
        [&]() -> boost::asio::awaitable<EffectCounts> { co_return co_await pool.run(count); });
  }

  long long outbox_rows(bool only_unpublished) {
    const std::string aggregate = aggregate_id();
    auto count = [&](mysql::Session& session) {
      auto& select = session.prepare(
          only_unpublished
              ? "SELECT COUNT(*) AS n FROM core_selftest_outbox"
                " WHERE aggregate_id = ? AND published_at IS NULL"
              : "SELECT COUNT(*) AS n FROM core_selftest_outbox WHERE aggregate_id = ?");
      mysql::bind(select, aggregate);
      auto row = mysql::query(select);
      row->next();
      return static_cast<long long>(row->getInt64("n"));
    };
    return io.run<long long>(
        [&]() -> boost::asio::awaitable<long long> { co_return co_await pool.run(count); });
  }

  redis::Reply redis_command(std::vector<std::string> arguments) {
    return io.run<redis::Reply>([&]() { return redis.command_or_throw(arguments); });
  }

  // Every envelope in this harness's stream, in stream order.
  std::vector<events::v1::Envelope> stream_envelopes() {
    auto range = redis_command({"XRANGE", key(), "-", "+"});
    std::vector<events::v1::Envelope> envelopes;
    for (const auto& entry : range.elements) {
      // As the relay writes them: t (the type), e (the envelope).
      const auto& fields = entry.elements.at(1).elements;
      if (fields.size() != 4 || fields[0].text != "t" || fields[2].text != "e") {
        throw std::runtime_error("a stream entry without the fields t and e");
      }
      events::v1::Envelope envelope;
      if (!envelope.ParseFromString(fields[3].text)) {
        throw std::runtime_error("a stream entry whose e is not an Envelope");
      }
      if (envelope.type() != fields[1].text) {
        throw std::runtime_error("a stream entry whose t is not its envelope's type");
      }
      envelopes.push_back(std::move(envelope));
    }
    return envelopes;
  }

  std::string aggregate_id() const { return "agg-" + suffix; }
  std::string key() const { return events::stream_key(stream); }

  IoThread io;  // first: destroyed last
  std::string suffix;
  std::string stream;
  mysql::Pool pool;
  redis::Client redis;

 private:
  redis::Client& new_consumer_client() {
    consumer_clients_.push_back(
        std::make_unique<redis::Client>(io.executor(), redis_test_options()));
    auto& client = *consumer_clients_.back();
    client.start();
    wait_until([&] { return client.connected(); }, std::chrono::seconds(5));
    return client;
  }

  events::ConsumerOptions consumer_options(const std::string& group,
                                           const std::string& consumer_name,
                                           std::chrono::milliseconds reclaim_after) const {
    events::ConsumerOptions options;
    options.stream = stream;
    options.group = group;
    options.consumer_name = consumer_name;
    options.processed_table = kSelftestProcessed;
    options.batch_size = 50;
    options.block = std::chrono::milliseconds(100);
    options.reclaim_after = reclaim_after;
    options.error_backoff = std::chrono::milliseconds(100);
    return options;
  }

  // The test consumers' effect: one row per applied event (core_selftest_effects).
  static void record_effect(mysql::Session& session, const std::string& group,
                            const events::ReceivedEvent& event) {
    auto& insert = session.prepare(
        "INSERT INTO core_selftest_effects (consumer_group, event_id, aggregate_id,"
        " amount_fen) VALUES (?, ?, ?, ?)");
    mysql::bind(insert, group, event.event_id, event.aggregate_id,
                static_cast<std::int64_t>(std::stoll(event.payload)));
    insert.executeUpdate();
  }

  void stop_client(redis::Client& client) {
    io.run<int>([&]() -> boost::asio::awaitable<int> {
      co_await client.stop();
      co_return 0;
    });
  }
  std::vector<std::unique_ptr<redis::Client>> consumer_clients_;
};

}  // namespace huicai::test
