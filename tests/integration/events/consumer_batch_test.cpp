// Batched consumers on the stack's MariaDB and Redis: a batch is one transaction with its
// processed-events rows; a batch that fails half-way is rolled back whole and its events are
// applied once each; ids processed before are filtered out of a batch; events of types the
// consumer does not declare cost it no database work at all.
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <event_spine_harness.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <mutex>
#include <vector>

using namespace std::chrono_literals;
using huicai::events::ReceivedEvent;
using huicai::events::Relay;
using huicai::test::EventSpineHarness;
using huicai::test::kSelftestEventType;

namespace {

std::vector<long long> amounts(int count, long long first) {
  std::vector<long long> values;
  for (int i = 0; i < count; ++i) values.push_back(first + i);
  return values;
}

long long sum(const std::vector<long long>& values) {
  long long total = 0;
  for (auto value : values) total += value;
  return total;
}

long long pending_messages(EventSpineHarness& spine, const std::string& group) {
  return spine.redis_command({"XPENDING", spine.key(), group}).elements.at(0).integer;
}

long long processed_rows(EventSpineHarness& spine, const std::string& group) {
  auto count = [&](huicai::mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT COUNT(*) AS n FROM core_selftest_processed_events WHERE consumer_group = ?");
    huicai::mysql::bind(select, group);
    auto row = huicai::mysql::query(select);
    row->next();
    return static_cast<long long>(row->getInt64("n"));
  };
  return spine.io.run<long long>(
      [&]() -> boost::asio::awaitable<long long> { co_return co_await spine.pool.run(count); });
}

std::size_t poll(EventSpineHarness& spine, huicai::events::Consumer& consumer) {
  return spine.io.run<std::size_t>([&]() { return consumer.poll_once(); });
}

void publish_all(EventSpineHarness& spine) {
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(relay);
}

}  // namespace

TEST_CASE("a batch of events is applied in one transaction with its processed-events rows",
          "[events][batch]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto values = amounts(20, 1);
  spine.enqueue(values);
  publish_all(spine);
  const std::string group = "batch-one-tx-" + spine.suffix;
  std::vector<std::size_t> batch_sizes;
  auto consumer =
      spine.make_batch_consumer(group, "c1", {kSelftestEventType},
                                [&](std::span<const ReceivedEvent> batch, std::size_t index) {
                                  if (index == 0) batch_sizes.push_back(batch.size());
                                });

  const auto calls_before = spine.pool.stats().calls;
  CHECK(poll(spine, *consumer) == 20);
  // One pool call (one transaction, one commit) for the whole batch, the handler called once.
  CHECK(spine.pool.stats().calls - calls_before == 1);
  CHECK(batch_sizes == std::vector<std::size_t>{20});
  auto effects = spine.effects(group);
  CHECK(effects.rows == 20);
  CHECK(effects.distinct_events == 20);
  CHECK(effects.amount_fen == sum(values));
  CHECK(processed_rows(spine, group) == 20);
  CHECK(pending_messages(spine, group) == 0);
}

TEST_CASE("a batch failing half-way is retried whole with no double effect", "[events][batch]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto values = amounts(10, 100);
  spine.enqueue(values);
  publish_all(spine);
  const std::string group = "batch-half-" + spine.suffix;
  int failures_left = 1;
  std::vector<std::size_t> batch_sizes;
  auto consumer =
      spine.make_batch_consumer(group, "c1", {kSelftestEventType},
                                [&](std::span<const ReceivedEvent> batch, std::size_t index) {
                                  if (index == 0) batch_sizes.push_back(batch.size());
                                  // After the effects of the first five events were written in this
                                  // transaction.
                                  if (index == 5 && failures_left > 0) {
                                    --failures_left;
                                    throw std::runtime_error("batch failed half-way on purpose");
                                  }
                                });

  CHECK(poll(spine, *consumer) == 10);
  // The failed batch of 10, then each of its events alone: the five written before the failure
  // were rolled back with it, so each effect exists exactly once.
  CHECK(batch_sizes.front() == 10);
  CHECK(batch_sizes.size() == 11);
  auto effects = spine.effects(group);
  CHECK(effects.rows == 10);
  CHECK(effects.distinct_events == 10);
  CHECK(effects.amount_fen == sum(values));
  CHECK(processed_rows(spine, group) == 10);
  CHECK(pending_messages(spine, group) == 0);
}

TEST_CASE(
    "a poison event stays pending without holding back its batch, and is applied once "
    "when it can be",
    "[events][batch]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto values = amounts(8, 10);
  auto ids = spine.enqueue(values);
  publish_all(spine);
  const std::string group = "batch-poison-" + spine.suffix;
  bool poisoned = true;
  const std::string poison = ids[3];
  auto consumer = spine.make_batch_consumer(
      group, "c1", {kSelftestEventType},
      [&](std::span<const ReceivedEvent> batch, std::size_t index) {
        if (poisoned && batch[index].event_id == poison) {
          throw std::runtime_error("poison event on purpose");
        }
      },
      200ms);

  CHECK(poll(spine, *consumer) == 7);
  auto effects = spine.effects(group);
  CHECK(effects.rows == 7);
  CHECK(effects.amount_fen == sum(values) - values[3]);
  CHECK(processed_rows(spine, group) == 7);
  CHECK(pending_messages(spine, group) == 1);

  // The cause is fixed: the event comes back (reclaimed once idle) and is applied once.
  poisoned = false;
  REQUIRE(spine.consume_until(
      *consumer, [&] { return pending_messages(spine, group) == 0; }, 10s));
  effects = spine.effects(group);
  CHECK(effects.rows == 8);
  CHECK(effects.distinct_events == 8);
  CHECK(effects.amount_fen == sum(values));
}

TEST_CASE("a batch MySQL could not take is applied at the next poll, not after reclaim_after",
          "[events][batch]") {
  // The chaos run's MariaDB kill: the batch was read (pending under this consumer) when MySQL
  // went away; it waited for XAUTOCLAIM (30 s) before anyone read it again.
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto values = amounts(3, 40);
  spine.enqueue(values);
  publish_all(spine);
  const std::string group = "batch-outage-" + spine.suffix;
  bool mysql_down = true;
  auto consumer = spine.make_batch_consumer(
      group, "c1", {kSelftestEventType},
      [&](std::span<const ReceivedEvent>, std::size_t) {
        if (mysql_down) throw huicai::ServiceUnavailable("mysql", "down on purpose");
      },
      /*reclaim_after=*/60s);

  CHECK_THROWS_AS(poll(spine, *consumer), huicai::ServiceUnavailable);
  CHECK(spine.effects(group).rows == 0);
  mysql_down = false;
  CHECK(poll(spine, *consumer) == 3);
  const auto effects = spine.effects(group);
  CHECK(effects.rows == 3);
  CHECK(effects.amount_fen == sum(values));
  CHECK(pending_messages(spine, group) == 0);
}

TEST_CASE("ids processed before are filtered out of a batch", "[events][batch]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto first = amounts(5, 1000);
  spine.enqueue(first);
  publish_all(spine);
  const std::string group = "batch-filter-" + spine.suffix;
  std::vector<std::size_t> handled_sizes;
  auto consumer =
      spine.make_batch_consumer(group, "c1", {kSelftestEventType},
                                [&](std::span<const ReceivedEvent> batch, std::size_t index) {
                                  if (index == 0) handled_sizes.push_back(batch.size());
                                });
  CHECK(poll(spine, *consumer) == 5);

  // Five more, then the group is rewound to the start: one batch of all ten, half seen before.
  auto second = amounts(5, 2000);
  spine.enqueue(second);
  publish_all(spine);
  spine.redis_command({"XGROUP", "SETID", spine.key(), group, "0"});
  CHECK(poll(spine, *consumer) == 10);
  CHECK(handled_sizes == std::vector<std::size_t>{5, 5});

  // A full replay: nothing new, the handler is not called at all.
  spine.redis_command({"XGROUP", "SETID", spine.key(), group, "0"});
  CHECK(poll(spine, *consumer) == 10);
  CHECK(handled_sizes.size() == 2);
  auto effects = spine.effects(group);
  CHECK(effects.rows == 10);
  CHECK(effects.distinct_events == 10);
  CHECK(effects.amount_fen == sum(first) + sum(second));
  CHECK(processed_rows(spine, group) == 10);
}

TEST_CASE("events of types the consumer does not declare cost it no database work",
          "[events][batch]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  spine.enqueue(amounts(30, 1), true, "core_selftest.something_else.v1");
  publish_all(spine);
  const std::string group = "batch-types-" + spine.suffix;
  int handler_calls = 0;
  auto consumer = spine.make_batch_consumer(
      group, "c1", {kSelftestEventType},
      [&](std::span<const ReceivedEvent>, std::size_t index) { handler_calls += index == 0; });

  auto calls_before = spine.pool.stats().calls;
  CHECK(poll(spine, *consumer) == 30);              // all acknowledged...
  CHECK(spine.pool.stats().calls == calls_before);  // ...without a single MySQL call
  CHECK(handler_calls == 0);
  CHECK(pending_messages(spine, group) == 0);
  CHECK(processed_rows(spine, group) == 0);

  // One declared event among more undeclared ones: one transaction, one processed row.
  spine.enqueue({5, 6}, true, "core_selftest.something_else.v1");
  spine.enqueue({7});
  publish_all(spine);
  calls_before = spine.pool.stats().calls;
  CHECK(poll(spine, *consumer) == 3);
  CHECK(spine.pool.stats().calls - calls_before == 1);
  CHECK(handler_calls == 1);
  CHECK(processed_rows(spine, group) == 1);
  CHECK(spine.effects(group).amount_fen == 7);
}

TEST_CASE("a lingering consumer reads what arrived meanwhile in one batch", "[events][batch]") {
  // The audit, sales-counter and ledger consumers linger (Config::events_linger): after a poll
  // that did not fill a batch they wait before reading again, so a burst costs them one read,
  // one transaction and one commit instead of one each per event.
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  const std::string group = "linger-" + spine.suffix;
  std::mutex mutex;
  std::vector<std::size_t> batch_sizes;
  std::size_t applied = 0;
  auto consumer = spine.make_batch_consumer(
      group, "c1", {kSelftestEventType},
      [&](std::span<const ReceivedEvent> batch, std::size_t index) {
        std::lock_guard lock(mutex);
        if (index == 0) batch_sizes.push_back(batch.size());
        ++applied;
      },
      30s, nullptr, 2s);
  const auto applied_now = [&] {
    std::lock_guard lock(mutex);
    return applied;
  };
  boost::asio::cancellation_signal stop;
  auto running = boost::asio::co_spawn(
      spine.io.executor(), consumer->run(),
      boost::asio::bind_cancellation_slot(stop.slot(), boost::asio::use_future));

  spine.enqueue(amounts(1, 1));
  publish_all(spine);
  REQUIRE(huicai::test::wait_until([&] { return applied_now() == 1; }, 10s));
  // The consumer now lingers (2 s) after its batch of one: these five arrive meanwhile.
  auto burst = amounts(5, 10);
  spine.enqueue(burst);
  publish_all(spine);
  REQUIRE(huicai::test::wait_until([&] { return applied_now() == 6; }, 10s));
  boost::asio::post(spine.io.executor(),
                    [&] { stop.emit(boost::asio::cancellation_type::terminal); });
  running.wait();
  std::lock_guard lock(mutex);
  CHECK(batch_sizes == std::vector<std::size_t>{1, 5});
  CHECK(spine.effects(group).rows == 6);
}
