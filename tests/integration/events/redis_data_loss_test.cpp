// Redis losing its data (found by the chaos run's "wipe Redis" fault, docs/chaos.md): events
// published but not yet consumed went with the stream. The relay notices its marker is gone and
// publishes the window again; consumers deduplicate, so exactly the lost events take effect.
#include <background_loop.hpp>
#include <catch2/catch.hpp>
#include <event_spine_harness.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/metrics.hpp>
#include <optional>

using namespace std::chrono_literals;
using huicai::events::Relay;
using huicai::test::BackgroundLoop;
using huicai::test::EventSpineHarness;
using huicai::test::wait_until;

TEST_CASE("events lost with Redis's data are published again and take effect exactly once",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  const std::string group = "selftest-" + spine.suffix;
  auto consumer = spine.make_consumer(group, "c1", 300ms);

  // Three events published and consumed.
  spine.enqueue({1, 2, 3});
  REQUIRE(spine.relay_all(relay) == 3);
  REQUIRE(spine.consume_until(
      *consumer, [&] { return spine.effects(group).rows == 3; }, 20s));

  // Two more published, then Redis loses everything of this stream before the consumer reads
  // them (the run's FLUSHDB, scoped here to this test's keys).
  spine.enqueue({4, 5});
  REQUIRE(spine.relay_all(relay) == 2);
  spine.redis_command({"DEL", spine.key(), spine.key() + ":relay-marker"});
  CHECK(spine.redis_command({"XLEN", spine.key()}).integer == 0);

  // The relay's check (it runs before every XADD and every few seconds while idle) puts the
  // window back into the outbox, and publishes it again.
  const auto republished = spine.io.run<std::optional<std::size_t>>(
      [&]() { return relay.republish_lost_streams({spine.stream}); });
  CHECK(republished == std::optional<std::size_t>{5});
  CHECK(spine.relay_all(relay) == 5);
  CHECK(spine.redis_command({"XLEN", spine.key()}).integer == 5);

  // The consumer recreates its group and applies only the two it never saw.
  REQUIRE(spine.consume_until(
      *consumer, [&] { return spine.effects(group).rows >= 5; }, 20s));
  const auto effects = spine.effects(group);
  CHECK(effects.rows == 5);
  CHECK(effects.distinct_events == 5);
  CHECK(effects.amount_fen == 15);

  // With the marker back, the check changes nothing.
  CHECK_FALSE(spine.io
                  .run<std::optional<std::size_t>>(
                      [&]() { return relay.republish_lost_streams({spine.stream}); })
                  .has_value());
  CHECK(spine.relay_all(relay) == 0);
}

TEST_CASE("after Redis lost a stream, its window goes out again before the row that found it lost",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  auto ids = spine.enqueue({1, 2, 3});
  REQUIRE(spine.relay_all(relay) == 3);
  spine.redis_command({"DEL", spine.key(), spine.key() + ":relay-marker"});
  // A later event of the same aggregate (a refund after its payment, say) finds the loss.
  const auto later = spine.enqueue({4});
  ids.insert(ids.end(), later.begin(), later.end());
  CHECK(spine.relay_all(relay) == 4);
  std::vector<std::string> published;
  for (const auto& envelope : spine.stream_envelopes()) published.push_back(envelope.event_id());
  CHECK(published == ids);
}

// The relay marks what it published a little later, together (RelayOptions::mark_linger). Rows
// sent but not marked when Redis lost the stream must go out again too: marked after the loss was
// found, they would look published and be lost for good (found by the chaos run's wipe-redis).
TEST_CASE("rows published but not yet marked when Redis lost the stream are published again",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  huicai::metrics::Registry metrics;
  auto options = spine.relay_options();
  options.idle_poll = 50ms;
  options.mark_linger = 120s;            // nothing is marked before the loss is found
  options.stream_check_interval = 120s;  // found by the next batch's check, not the timer
  Relay relay(spine.pool, spine.redis, options, &metrics);
  BackgroundLoop relaying(spine.io, relay.run());
  // The stream exists and the relay publishes commits at once.
  const auto first = spine.enqueue({1});
  REQUIRE(wait_until([&] { return spine.outbox_rows(true) == 0; }, 10s, 5ms));
  REQUIRE(wait_until(
      [&] {
        return metrics
                   .counter("huicai_outbox_relay_committed_path", {{"producer", "core_selftest"}})
                   .value() == 1;
      },
      10s, 5ms));
  const auto sent = spine.enqueue({2});
  REQUIRE(wait_until(
      [&] {
        return spine.redis_command({"XLEN", spine.key()}).integer == 2;
      },
      10s, 5ms));
  REQUIRE(spine.outbox_rows(true) == 1);  // sent, not marked
  spine.redis_command({"DEL", spine.key(), spine.key() + ":relay-marker"});
  // The next commit finds the loss; every row goes out again, in order.
  const auto later = spine.enqueue({3});
  REQUIRE(wait_until(
      [&] {
        return spine.redis_command({"XLEN", spine.key()}).integer >= 3;
      },
      10s, 5ms));
  relaying.stop();
  std::vector<std::string> published;
  for (const auto& envelope : spine.stream_envelopes()) published.push_back(envelope.event_id());
  CHECK(published == std::vector<std::string>{first.front(), sent.front(), later.front()});
  CHECK(spine.outbox_rows(true) == 0);
}
