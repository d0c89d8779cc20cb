// The event spine end to end on the stack's MariaDB and Redis: outbox -> relay -> stream ->
// consumer -> effect, with rollbacks, repeated relaying, redelivery, failing handlers, replays
// and concurrent relays.
#include <catch2/catch.hpp>
#include <event_spine_harness.hpp>
#include <huicai/core/events/outbox.hpp>
#include <map>
#include <set>

#include "huicai/events/v1/envelope.pb.h"

using namespace std::chrono_literals;
using huicai::events::Relay;
using huicai::test::EventSpineHarness;

namespace {

std::vector<long long> amounts(int count, long long first = 100) {
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
  auto summary = spine.redis_command({"XPENDING", spine.key(), group});
  return summary.elements.at(0).integer;
}

}  // namespace

TEST_CASE("an event enqueued in a rolled-back transaction is never published", "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  CHECK_THROWS_WITH(spine.enqueue({1, 2, 3}, /*commit=*/false), "rolled back on purpose");
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(relay);
  CHECK(spine.outbox_rows(false) == 0);
  CHECK(spine.redis_command({"XLEN", spine.key()}).integer == 0);
}

TEST_CASE("a committed event is published once, with its envelope, however often the relay runs",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto before_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto ids = spine.enqueue({10, 20, 30, 40, 50});
  REQUIRE(ids.size() == 5);
  CHECK(spine.outbox_rows(true) == 5);

  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(relay);
  spine.relay_all(relay);
  Relay second_relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(second_relay);

  CHECK(spine.outbox_rows(true) == 0);
  auto envelopes = spine.stream_envelopes();
  REQUIRE(envelopes.size() == 5);
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    const auto& envelope = envelopes[i];
    CHECK(envelope.event_id() == ids[i]);  // one relay publishes in outbox order
    CHECK(envelope.type() == "core_selftest.amount_recorded.v1");
    CHECK(envelope.producer() == "core_selftest");
    CHECK(envelope.aggregate_id() == spine.aggregate_id());
    CHECK(envelope.request_id() == "req-" + spine.suffix);
    CHECK(envelope.payload() == std::to_string(10 * (i + 1)));
    CHECK(envelope.occurred_at_us() >= before_us - 1'000'000);
    CHECK(envelope.occurred_at_us() <= before_us + 60'000'000);
  }
}

TEST_CASE("payload bytes survive the outbox and the stream unchanged", "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  std::string payload;
  for (int i = 0; i < 256; ++i) payload += static_cast<char>(i);  // zeros and high bytes
  payload += std::string(100'000, '\0');
  auto write = [&](huicai::mysql::Session& session) {
    huicai::events::OutgoingEvent event;
    event.stream = spine.stream;
    event.type = "core_selftest.binary.v1";
    event.aggregate_id = spine.aggregate_id();
    event.payload = payload;
    huicai::events::enqueue(session, huicai::test::kSelftestOutbox, huicai::test::kSelftestProducer,
                            event);
  };
  spine.io.run<int>([&]() -> boost::asio::awaitable<int> {
    co_await spine.pool.transaction(write);
    co_return 0;
  });
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(relay);
  auto envelopes = spine.stream_envelopes();
  REQUIRE(envelopes.size() == 1);
  CHECK(envelopes[0].payload() == payload);
}

TEST_CASE("a service may only write its own outbox, with sane names", "[events]") {
  EventSpineHarness spine;
  auto attempt = [&](const std::string& table, const std::string& producer,
                     const std::string& stream) {
    auto write = [&](huicai::mysql::Session& session) {
      huicai::events::OutgoingEvent event;
      event.stream = stream;
      event.type = "core_selftest.x.v1";
      huicai::events::enqueue(session, table, producer, event);
    };
    spine.io.run<int>([&]() -> boost::asio::awaitable<int> {
      co_await spine.pool.transaction(write);
      co_return 0;
    });
  };
  CHECK_THROWS_AS(attempt("ordering_outbox", "core_selftest", spine.stream), std::invalid_argument);
  CHECK_THROWS_AS(attempt("core_selftest_outbox; DROP TABLE x", "core_selftest", spine.stream),
                  std::invalid_argument);
  CHECK_THROWS_AS(attempt("core_selftest_outbox", "core_selftest", "bad{tag}"),
                  std::invalid_argument);
  CHECK(spine.outbox_rows(false) == 0);
}

TEST_CASE("a consumer applies each event once through redelivery, reclaim and replay", "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto values = amounts(40);
  auto ids = spine.enqueue(values);
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(relay);
  const std::string group = "selftest-" + spine.suffix;
  spine.redis_command({"XGROUP", "CREATE", spine.key(), group, "0"});

  // 15 messages go to a consumer that dies without acknowledging them, and 5 to an earlier
  // life of "live" that crashed the same way.
  auto read_as = [&](const std::string& consumer, int count) {
    auto reply = spine.redis_command({"XREADGROUP", "GROUP", group, consumer, "COUNT",
                                      std::to_string(count), "STREAMS", spine.key(), ">"});
    return reply.elements.at(0).elements.at(1).elements.size();
  };
  REQUIRE(read_as("doomed", 15) == 15);
  REQUIRE(read_as("live", 5) == 5);
  CHECK(pending_messages(spine, group) == 20);

  // "live" restarts: its own history first, then new messages, then (once they are idle for
  // 300 ms) the dead consumer's.
  auto live = spine.make_consumer(group, "live", 300ms);
  REQUIRE(spine.consume_until(
      *live, [&] { return spine.effects(group).rows >= 40 && pending_messages(spine, group) == 0; },
      20s));
  auto effects = spine.effects(group);
  CHECK(effects.rows == 40);
  CHECK(effects.distinct_events == 40);

  // Replay the whole stream from the start: everything is delivered again, nothing changes.
  spine.redis_command({"XGROUP", "SETID", spine.key(), group, "0"});
  std::size_t redelivered = 0;
  for (int quiet = 0; quiet < 2;) {
    auto handled = spine.io.run<std::size_t>([&]() { return live->poll_once(); });
    redelivered += handled;
    quiet = handled == 0 ? quiet + 1 : 0;
  }
  CHECK(redelivered == 40);
  CHECK(pending_messages(spine, group) == 0);
  effects = spine.effects(group);
  CHECK(effects.rows == 40);
  CHECK(effects.distinct_events == 40);
  CHECK(effects.amount_fen == sum(values));
}

TEST_CASE("a failing handler rolls back and its event is retried until it succeeds", "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto ids = spine.enqueue({7, 8, 9});
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(relay);
  const std::string group = "selftest-fail-" + spine.suffix;
  std::atomic<int> failures_left{2};
  const std::string unlucky = ids[1];
  auto consumer =
      spine.make_consumer(group, "c1", 200ms, [&](const huicai::events::ReceivedEvent& event) {
        if (event.event_id == unlucky && failures_left.fetch_sub(1) > 0) {
          throw std::runtime_error("handler failed on purpose");
        }
      });
  REQUIRE(spine.consume_until(
      *consumer, [&] { return spine.effects(group).rows == 3; }, 20s));
  CHECK(failures_left.load() <= 0);
  auto effects = spine.effects(group);
  CHECK(effects.distinct_events == 3);
  CHECK(effects.amount_fen == 24);
  REQUIRE(spine.consume_until(
      *consumer, [&] { return pending_messages(spine, group) == 0; }, 5s));
}

TEST_CASE("two relays running at once publish every row, and every effect happens once",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto values = amounts(300, 1);
  auto ids = spine.enqueue(values);
  Relay left(spine.pool, spine.redis, spine.relay_options(25));
  Relay right(spine.pool, spine.redis, spine.relay_options(25));
  auto drain = [&](Relay& relay) -> boost::asio::awaitable<std::size_t> {
    std::size_t total = 0;
    for (;;) {
      auto published = co_await relay.publish_batch();
      if (published == 0) co_return total;
      total += published;
    }
  };
  auto left_done = boost::asio::co_spawn(spine.io.io(), drain(left), boost::asio::use_future);
  auto right_done = boost::asio::co_spawn(spine.io.io(), drain(right), boost::asio::use_future);
  REQUIRE(left_done.wait_for(60s) == std::future_status::ready);
  REQUIRE(right_done.wait_for(60s) == std::future_status::ready);
  auto by_left = left_done.get();
  auto by_right = right_done.get();
  INFO("left published " << by_left << ", right published " << by_right);
  CHECK(spine.outbox_rows(true) == 0);

  auto envelopes = spine.stream_envelopes();
  std::map<std::string, int> copies;
  for (const auto& envelope : envelopes) ++copies[envelope.event_id()];
  CHECK(copies.size() == 300);
  for (const auto& id : ids) CHECK(copies.count(id) == 1);
  // Leases keep relays off each other's rows: without crashes nothing is published twice.
  CHECK(envelopes.size() == 300);

  const std::string group = "selftest-two-relays-" + spine.suffix;
  auto consumer = spine.make_consumer(group, "c1");
  REQUIRE(spine.consume_until(
      *consumer, [&] { return spine.effects(group).rows >= 300; }, 60s));
  auto effects = spine.effects(group);
  CHECK(effects.rows == 300);
  CHECK(effects.distinct_events == 300);
  CHECK(effects.amount_fen == sum(values));
}

TEST_CASE("a duplicate stream entry (relay crashed before marking) has one effect", "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto ids = spine.enqueue({500, 600});
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(relay);
  // What a crash between XADD and the mark leaves behind: the same envelopes once more.
  for (const auto& envelope : spine.stream_envelopes()) {
    spine.redis_command({"XADD", spine.key(), "*", "e", envelope.SerializeAsString()});
  }
  CHECK(spine.redis_command({"XLEN", spine.key()}).integer == 4);
  const std::string group = "selftest-dup-" + spine.suffix;
  auto consumer = spine.make_consumer(group, "c1");
  REQUIRE(spine.consume_until(*consumer, [&] {
    return spine.effects(group).rows >= 2 && pending_messages(spine, group) == 0;
  }));
  // Let it read everything there is (all four entries).
  spine.io.run<std::size_t>([&]() { return consumer->poll_once(); });
  auto effects = spine.effects(group);
  CHECK(effects.rows == 2);
  CHECK(effects.amount_fen == 1100);
}

// Not run by ctest (hidden tag): `integration_events_tests "[.bench]"` prints throughput.
TEST_CASE("benchmark: relay and consumer throughput", "[.bench]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  constexpr int transactions = 100;
  constexpr int per_transaction = 20;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < transactions; ++i) spine.enqueue(amounts(per_transaction));
  std::chrono::duration<double> enqueue_took = std::chrono::steady_clock::now() - started;

  Relay relay(spine.pool, spine.redis, spine.relay_options(200));
  started = std::chrono::steady_clock::now();
  spine.relay_all(relay);
  std::chrono::duration<double> relay_took = std::chrono::steady_clock::now() - started;

  const std::string group = "selftest-bench-" + spine.suffix;
  auto consumer = spine.make_consumer(group, "c1");
  started = std::chrono::steady_clock::now();
  const long long total = transactions * per_transaction;
  REQUIRE(spine.consume_until(
      *consumer, [&] { return spine.effects(group).rows >= total; }, 300s));
  std::chrono::duration<double> consume_took = std::chrono::steady_clock::now() - started;
  WARN(total << " events: enqueue " << enqueue_took.count() << " s ("
             << transactions / enqueue_took.count() << " tx/s of " << per_transaction << "), relay "
             << relay_took.count() << " s (" << total / relay_took.count() << " events/s), consume "
             << consume_took.count() << " s (" << total / consume_took.count()
             << " events/s, one transaction each)");
}
