// A relay killed between claiming rows and marking them published leaves them leased, and a
// consumer killed between reading entries and acknowledging them leaves them pending under its
// name. The chaos run (docs/chaos.md) saw events wait 30 s for that lease or for XAUTOCLAIM's idle
// time after such kills; a worker started on the same host now takes over what processes that are
// gone held (ADR 0025) and leaves what live ones hold alone.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <event_spine_harness.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/local_process.hpp>
#include <huicai/core/mysql/leased_claim.hpp>
#include <map>

using namespace std::chrono_literals;
using huicai::events::Relay;
using huicai::test::EventSpineHarness;

namespace {

// A pid that belonged to a process of this host which has ended (forked, exited, reaped).
pid_t pid_of_an_ended_process() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  return child;
}

// "<producer>@<host>:<pid>:<random>", as the relay of that process on this host would be named.
std::string claimant_with_pid(pid_t pid, const std::string& random) {
  const auto own = huicai::mysql::make_claimant_id(huicai::test::kSelftestProducer);
  const auto pid_end = own.rfind(':');
  const auto pid_start = own.rfind(':', pid_end - 1) + 1;
  return own.substr(0, pid_start) + std::to_string(pid) + ":" + random;
}

// Leases the given events to `claimant` for a minute, as a relay's claim would; "" ends the
// lease.
void lease(EventSpineHarness& spine, const std::vector<std::string>& event_ids,
           const std::string& claimant) {
  auto update = [&](huicai::mysql::Session& session) {
    for (const auto& id : event_ids) {
      auto& statement = session.prepare(
          "UPDATE core_selftest_outbox SET claimed_by = NULLIF(?, ''), claimed_until = IF(? = '', "
          "NULL, UTC_TIMESTAMP(6) + INTERVAL 60 SECOND) WHERE event_id = ?");
      huicai::mysql::bind(statement, claimant, claimant, id);
      statement.executeUpdate();
    }
  };
  spine.io.run<int>([&]() -> boost::asio::awaitable<int> {
    co_await spine.pool.transaction(update);
    co_return 0;
  });
}

}  // namespace

TEST_CASE("a relay started after one killed on this host publishes the dead relay's rows at once",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  const auto ids = spine.enqueue({7, 8, 9});
  // The first two were claimed by a relay whose process is gone, the third by a live process
  // of this host (our parent: ctest or the shell).
  lease(spine, {ids[0], ids[1]}, claimant_with_pid(pid_of_an_ended_process(), "deadbeef"));
  lease(spine, {ids[2]}, claimant_with_pid(getppid(), "a1172e55"));

  Relay relay(spine.pool, spine.redis, spine.relay_options());
  const auto started = std::chrono::steady_clock::now();
  CHECK(spine.relay_all(relay) == 2);
  CHECK(std::chrono::steady_clock::now() - started < 10s);  // not after the minute's lease
  CHECK(spine.outbox_rows(true) == 1);                      // the live process keeps its lease
  CHECK(spine.redis_command({"XLEN", spine.key()}).integer == 2);

  // Once that lease is given up the row goes out too (and the table is left clean).
  lease(spine, {ids[2]}, "");
  CHECK(spine.relay_all(relay) == 1);
  CHECK(spine.outbox_rows(true) == 0);
}

TEST_CASE("a consumer started after one killed on this host applies the dead one's entries at once",
          "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.enqueue({10, 20, 30});
  REQUIRE(spine.relay_all(relay) == 3);
  const std::string group = "selftest-takeover-" + spine.suffix;
  spine.redis_command({"XGROUP", "CREATE", spine.key(), group, "0", "MKSTREAM"});
  // Consumers are named "<host>:<pid>". One of a process that has ended read two entries and
  // never acknowledged them; one of a live process (our parent) read the third.
  const auto host = huicai::local_process::host_name();
  const auto dead = host + ":" + std::to_string(pid_of_an_ended_process());
  const auto live = host + ":" + std::to_string(getppid());
  spine.redis_command(
      {"XREADGROUP", "GROUP", group, dead, "COUNT", "2", "STREAMS", spine.key(), ">"});
  spine.redis_command(
      {"XREADGROUP", "GROUP", group, live, "COUNT", "1", "STREAMS", spine.key(), ">"});

  auto consumer = spine.make_consumer(group, "c1", 60s);  // XAUTOCLAIM only after a minute
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(spine.consume_until(
      *consumer, [&] { return spine.effects(group).rows == 2; }, 20s));
  CHECK(std::chrono::steady_clock::now() - started < 20s);
  for (int i = 0; i < 3; ++i) spine.io.run<std::size_t>([&]() { return consumer->poll_once(); });
  const auto effects = spine.effects(group);
  CHECK(effects.rows == 2);  // the live consumer keeps its entry
  CHECK(effects.amount_fen == 30);

  // The dead consumer left the group; the live one still holds its entry.
  const auto summary = spine.redis_command({"XPENDING", spine.key(), group});
  REQUIRE(summary.elements.size() == 4);
  std::map<std::string, std::string> pending;
  for (const auto& consumer_row : summary.elements[3].elements) {
    pending[consumer_row.elements.at(0).text] = consumer_row.elements.at(1).text;
  }
  CHECK(pending.count(dead) == 0);
  CHECK(pending[live] == "1");
}
