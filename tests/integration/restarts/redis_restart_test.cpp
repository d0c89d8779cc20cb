// Redis stopped and started under a running client, relay and consumer (deploy/stack.sh
// stop-redis / start-redis). Runs serially: it takes Redis away from every other test.
#include <background_loop.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <event_spine_harness.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/redis/client.hpp>

#include "stack_control.hpp"

using namespace std::chrono_literals;
using huicai::redis::Error;
using huicai::redis::Reply;
using huicai::test::BackgroundLoop;
using huicai::test::EventSpineHarness;
using huicai::test::wait_until;

namespace {

using huicai::test::stack_control::stack;

// Stops Redis for the scope and starts it again at the end, also when an assertion fails, so
// later tests find it running.
class RedisOutage {
 public:
  RedisOutage() { stack("stop-redis"); }
  ~RedisOutage() { end(); }
  void end() {
    if (ended_) return;
    ended_ = true;
    stack("start-redis");
  }

 private:
  bool ended_ = false;
};

// The relay's failed-batch counter, read from the metrics text.
double relay_errors(huicai::metrics::Registry& metrics) {
  const std::string series = "huicai_outbox_relay_errors_total{producer=\"core_selftest\"} ";
  auto text = metrics.render();
  auto at = text.find(series);
  return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size()));
}

}  // namespace

TEST_CASE("with Redis stopped commands fail fast, and once it is back the same client works",
          "[redis][restart]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  auto& client = spine.redis;
  const auto key = "huicai:{test}:restart:" + spine.suffix;
  spine.redis_command({"SET", key, "before"});
  const auto reconnects_before = client.stats().reconnects;
  {
    RedisOutage outage;
    REQUIRE(wait_until([&] { return !client.connected(); }, 5s));
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto started = std::chrono::steady_clock::now();
      auto reply = spine.io.run<boost::system::result<Reply>>([&]() {
        return client.command({"GET", key});
      });
      auto took = std::chrono::steady_clock::now() - started;
      REQUIRE_FALSE(reply.has_value());
      CHECK((reply.error() == Error::not_connected || reply.error() == Error::timeout));
      CHECK(took < 2500ms);  // never longer than the command deadline (2 s here)
    }
    CHECK_THROWS_AS(spine.redis_command({"GET", key}), huicai::ServiceUnavailable);
    outage.end();
    REQUIRE(wait_until([&] { return client.connected(); }, 15s));
  }
  CHECK(spine.redis_command({"GET", key}).text == "before");  // the AOF kept it
  spine.redis_command({"SET", key, "after"});
  CHECK(spine.redis_command({"GET", key}).text == "after");
  CHECK(client.stats().reconnects > reconnects_before);
  spine.redis_command({"DEL", key});
}

// A script that writes twice is kept in the append-only file as MULTI/EXEC. Redis 7.0 replays
// that file as the default user and re-checks permissions at each EXEC: with the default user
// off and without permissions it dropped them silently (the live feed's sequence and the login
// failure counters went back in time on every restart).
TEST_CASE("a script's writes and a MULTI/EXEC survive a Redis restart", "[redis][restart]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  const auto counter = "huicai:{test}:restart-script:" + spine.suffix;
  const auto pair = "huicai:{test}:restart-multi:" + spine.suffix;
  const std::string count_script =
      "local n = redis.call('INCR', KEYS[1]) redis.call('PEXPIRE', KEYS[1], 600000) return n";
  for (int i = 0; i < 3; ++i) spine.redis_command({"EVAL", count_script, "1", counter});
  spine.redis_command({"MULTI"});
  spine.redis_command({"SET", pair, "written"});
  spine.redis_command({"PEXPIRE", pair, "600000"});
  spine.redis_command({"EXEC"});
  REQUIRE(spine.redis_command({"GET", counter}).text == "3");
  {
    RedisOutage outage;
    REQUIRE(wait_until([&] { return !spine.redis.connected(); }, 5s));
    outage.end();
    REQUIRE(wait_until([&] { return spine.redis.connected(); }, 15s));
  }
  CHECK(spine.redis_command({"GET", counter}).text == "3");
  CHECK(spine.redis_command({"GET", pair}).text == "written");
  CHECK(spine.redis_command({"PTTL", counter}).integer > 0);
  spine.redis_command({"DEL", counter, pair});
}

TEST_CASE("200 events written while Redis is down are each consumed exactly once after it returns",
          "[events][restart]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  const std::string group = "selftest-restart-" + spine.suffix;
  auto consumer = spine.make_consumer(group, "c1", 2s);
  // The group exists before the outage (the consumer's first poll creates it).
  spine.io.run<std::size_t>([&]() { return consumer->poll_once(); });

  huicai::metrics::Registry metrics;
  huicai::events::Relay relay(spine.pool, spine.redis, spine.relay_options(50), &metrics);
  BackgroundLoop relaying(spine.io, relay.run());
  BackgroundLoop consuming(spine.io, consumer->run());

  std::vector<long long> written;
  {
    RedisOutage outage;
    // Orders keep succeeding with Redis down: 200 events in 40 transactions.
    for (int transaction = 0; transaction < 40; ++transaction) {
      std::vector<long long> amounts;
      for (int i = 0; i < 5; ++i) amounts.push_back(1000 + transaction * 5 + i);
      spine.enqueue(amounts);
      written.insert(written.end(), amounts.begin(), amounts.end());
    }
    // The relay keeps trying meanwhile (its error counter grows); nothing can leave, nothing
    // is lost.
    REQUIRE(wait_until([&] { return relay_errors(metrics) >= 3; }, 15s));
    CHECK(spine.outbox_rows(true) == 200);
    CHECK(spine.effects(group).rows == 0);
    outage.end();
  }

  REQUIRE(wait_until([&] { return spine.effects(group).rows >= 200; }, 60s, 100ms));
  REQUIRE(wait_until(
      [&] {
        return spine.redis_command({"XPENDING", spine.key(), group}).elements.at(0).integer == 0;
      },
      30s, 100ms));
  relaying.stop();
  consuming.stop();

  long long expected = 0;
  for (auto amount : written) expected += amount;
  auto effects = spine.effects(group);
  CHECK(effects.rows == 200);
  CHECK(effects.distinct_events == 200);
  CHECK(effects.amount_fen == expected);
  CHECK(spine.outbox_rows(true) == 0);
  CHECK(spine.redis_command({"XLEN", spine.key()}).integer >= 200);
}
