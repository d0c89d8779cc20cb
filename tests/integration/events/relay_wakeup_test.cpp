// The relay is woken by the commit of a row to its outbox in this process (mysql::after_commit
// from events::enqueue) and publishes it from the copy enqueue handed over (the committed path),
// instead of finding the row at its next idle poll; rows nobody hands over are found by the
// poll once past the grace; and a relay waiting for a wakeup stops at once when cancelled.
#include <background_loop.hpp>
#include <catch2/catch.hpp>
#include <event_spine_harness.hpp>
#include <huicai/core/metrics.hpp>
#include <set>
#include <thread>

using namespace std::chrono_literals;
using huicai::events::Relay;
using huicai::test::BackgroundLoop;
using huicai::test::EventSpineHarness;
using huicai::test::wait_until;

namespace {

// Inserts an outbox row of the harness's stream the way another process would (no relay of
// this process hears of it); returns its event id.
std::string insert_as_another_process(EventSpineHarness& spine, long long amount) {
  const auto event_id = huicai::events::new_uuid();
  auto insert = [&](huicai::mysql::Session& session) {
    auto& statement = session.prepare(
        "INSERT INTO core_selftest_outbox (event_id, stream, event_type, aggregate_id, payload,"
        " request_id, occurred_at) VALUES (?, ?, ?, ?, ?, '', UTC_TIMESTAMP(6))");
    huicai::mysql::bind(statement, event_id, spine.stream, huicai::test::kSelftestEventType,
                        spine.aggregate_id(), std::to_string(amount));
    statement.executeUpdate();
  };
  spine.io.run<int>([&]() -> boost::asio::awaitable<int> {
    co_await spine.pool.run(insert);
    co_return 0;
  });
  return event_id;
}

}  // namespace

TEST_CASE("a relay publishes a row as soon as its transaction commits, not at its next poll",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto options = spine.relay_options();
  options.idle_poll = 120s;  // only the wakeup can explain a row published within seconds
  Relay relay(spine.pool, spine.redis, options);
  BackgroundLoop relaying(spine.io, relay.run());

  // Each commit after the relay went idle again (the previous row is published).
  for (long long round = 0; round < 3; ++round) {
    spine.enqueue({100 + round});
    REQUIRE(wait_until([&] { return spine.outbox_rows(true) == 0; }, 10s, 5ms));
  }
  CHECK(spine.redis_command({"XLEN", spine.key()}).integer == 3);

  // A row of a transaction that rolled back wakes nothing and is never published.
  CHECK_THROWS_WITH(spine.enqueue({7}, /*commit=*/false), "rolled back on purpose");
  CHECK(spine.outbox_rows(false) == 3);

  // Waiting for its next wakeup (120 s), the relay still stops at once (BackgroundLoop allows
  // 30 s, and fails the test on an exception).
  const auto stopping = std::chrono::steady_clock::now();
  relaying.stop();
  CHECK(std::chrono::steady_clock::now() - stopping < 5s);
  CHECK(spine.redis_command({"XLEN", spine.key()}).integer == 3);
}

TEST_CASE("events committed one after another are published once each, in commit order",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto options = spine.relay_options();
  options.idle_poll = 120s;  // after the first poll only the committed path publishes
  Relay relay(spine.pool, spine.redis, options);
  BackgroundLoop relaying(spine.io, relay.run());
  std::vector<std::string> committed = spine.enqueue({1});
  REQUIRE(wait_until([&] { return spine.outbox_rows(true) == 0; }, 10s, 5ms));
  // 40 transactions in a row, without waiting for the relay in between.
  for (long long amount = 2; amount <= 41; ++amount) {
    committed.push_back(spine.enqueue({amount}).front());
  }
  REQUIRE(wait_until([&] { return spine.outbox_rows(true) == 0; }, 10s, 5ms));
  relaying.stop();
  std::vector<std::string> published;
  for (const auto& envelope : spine.stream_envelopes()) published.push_back(envelope.event_id());
  CHECK(published == committed);
}

TEST_CASE("a row committed by a process without a relay is published by the poll, once",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto options = spine.relay_options();
  options.idle_poll = 50ms;
  options.committed_grace = 300ms;
  Relay relay(spine.pool, spine.redis, options);
  BackgroundLoop relaying(spine.io, relay.run());
  const auto own = spine.enqueue({5}).front();
  const auto foreign = insert_as_another_process(spine, 7);
  REQUIRE(wait_until([&] { return spine.outbox_rows(true) == 0; }, 10s, 5ms));
  // Polls well past the grace publish nothing more: each row went out exactly once.
  const auto until = std::chrono::steady_clock::now() + 600ms;
  while (std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(50ms);
  relaying.stop();
  std::multiset<std::string> published;
  for (const auto& envelope : spine.stream_envelopes()) published.insert(envelope.event_id());
  CHECK(published == std::multiset<std::string>{own, foreign});
}

// The committed path marks what it published in one transaction while more keeps coming
// (RelayOptions::mark_linger): fewer commits under load, and the marks still follow at rest and
// when the relay stops.
TEST_CASE("the relay marks published rows together, at rest within its linger, and at stop",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  // How many different published_at the rows have: one mark transaction writes one.
  const auto marks = [&spine] {
    const std::string aggregate = spine.aggregate_id();
    return spine.io.run<long long>([&]() -> boost::asio::awaitable<long long> {
      co_return co_await spine.pool.run([&](huicai::mysql::Session& session) {
        auto& select = session.prepare(
            "SELECT COUNT(DISTINCT published_at) FROM core_selftest_outbox WHERE aggregate_id = ?");
        huicai::mysql::bind(select, aggregate);
        auto row = huicai::mysql::query(select);
        row->next();
        return static_cast<long long>(row->getInt64(1));
      });
    });
  };
  auto options = spine.relay_options();
  options.idle_poll = 120s;  // no poll: only the committed path and its marks act

  huicai::metrics::Registry metrics;
  const auto metric = [&metrics](const std::string& name) {
    return metrics.counter(name, {{"producer", "core_selftest"}}).value();
  };

  SECTION("rows published one after another wait for one mark, which the stop writes") {
    options.mark_linger = 120s;
    Relay relay(spine.pool, spine.redis, options, &metrics);
    BackgroundLoop relaying(spine.io, relay.run());
    // A first row makes the stream (the relay finds its marker missing and lets the poll, which
    // marks what it publishes at once, go first); after it commits go the committed way.
    spine.enqueue({0});
    REQUIRE(wait_until([&] { return spine.outbox_rows(true) == 0; }, 10s, 5ms));
    REQUIRE(
        wait_until([&] { return metric("huicai_outbox_relay_committed_path") == 1; }, 10s, 5ms));
    spine.enqueue({1});
    REQUIRE(wait_until(
        [&] {
          return spine.redis_command({"XLEN", spine.key()}).integer == 2;
        },
        10s, 5ms));
    spine.enqueue({2});
    REQUIRE(wait_until(
        [&] {
          return spine.redis_command({"XLEN", spine.key()}).integer == 3;
        },
        10s, 5ms));
    CHECK(spine.outbox_rows(true) == 2);  // published, not marked yet
    CHECK(metric("huicai_outbox_marks_total") == 0);
    relaying.stop();
    CHECK(spine.outbox_rows(true) == 0);
    CHECK(marks() == 2);  // the first row's, and one for the two others
    CHECK(metric("huicai_outbox_marks_total") == 1);
  }
  SECTION("at rest a published row is marked within the linger") {
    options.mark_linger = 200ms;
    Relay relay(spine.pool, spine.redis, options);
    BackgroundLoop relaying(spine.io, relay.run());
    spine.enqueue({1});
    REQUIRE(wait_until([&] { return spine.outbox_rows(true) == 0; }, 10s, 5ms));
    relaying.stop();
    CHECK(spine.redis_command({"XLEN", spine.key()}).integer == 1);
  }
}
