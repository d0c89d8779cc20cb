// The relay is woken by the commit of a row to its outbox in this process (mysql::after_commit
// from events::enqueue), instead of finding the row at its next idle poll; and a relay waiting
// for that wakeup stops at once when cancelled.
#include <background_loop.hpp>
#include <catch2/catch.hpp>
#include <event_spine_harness.hpp>

using namespace std::chrono_literals;
using huicai::events::Relay;
using huicai::test::BackgroundLoop;
using huicai::test::EventSpineHarness;
using huicai::test::wait_until;

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
