// Entries XADDed to a stream by someone other than our relay: a consumer acknowledges them,
// counts them in huicai_events_rejected_total and never applies them, and goes on applying the
// real events around them.
#include <catch2/catch.hpp>
#include <event_spine_harness.hpp>
#include <huicai/core/events/outbox.hpp>
#include <huicai/core/metrics.hpp>

#include "huicai/events/v1/envelope.pb.h"

using huicai::events::Relay;
using huicai::test::EventSpineHarness;

namespace {

huicai::events::v1::Envelope forged_envelope(const EventSpineHarness& spine) {
  huicai::events::v1::Envelope envelope;
  envelope.set_event_id(huicai::events::new_uuid());
  envelope.set_type("core_selftest.amount_recorded.v1");
  envelope.set_producer("core_selftest");
  envelope.set_aggregate_id(spine.aggregate_id());
  envelope.set_payload("1000000");
  envelope.set_occurred_at_us(std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
  return envelope;
}

// Consumes the stream until both real events (100 + 200 fen) are applied and nothing is pending,
// then checks that nothing else was applied and how many entries were counted as rejected.
void expect_only_real_events_applied(EventSpineHarness& spine, huicai::events::Consumer& consumer,
                                     const std::string& group, huicai::metrics::Registry& metrics,
                                     int rejected) {
  REQUIRE(spine.consume_until(consumer, [&] {
    auto pending = spine.redis_command({"XPENDING", spine.key(), group});
    return spine.effects(group).rows >= 2 && pending.elements.at(0).integer == 0;
  }));
  spine.io.run<std::size_t>([&]() { return consumer.poll_once(); });
  const auto effects = spine.effects(group);
  CHECK(effects.rows == 2);
  CHECK(effects.amount_fen == 300);
  const auto text = metrics.render();
  INFO(text);
  CHECK(text.find("huicai_events_rejected_total{stream=\"" + spine.stream + "\",group=\"" + group +
                  "\"} " + std::to_string(rejected)) != std::string::npos);
}

}  // namespace

TEST_CASE("forged stream entries are acknowledged, counted and never applied", "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  spine.enqueue({100});
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(relay);

  // Forgeries, each wrong in one way an outsider's XADD would be.
  std::vector<huicai::events::v1::Envelope> forgeries(5, forged_envelope(spine));
  forgeries[0].set_event_id("not-a-uuid");
  forgeries[1].set_producer("identity");  // another service's name on this type
  forgeries[2].set_type("payout approved");
  forgeries[3].set_occurred_at_us(0);
  forgeries[4].set_occurred_at_us(forgeries[4].occurred_at_us() + 3'600'000'000LL);  // +1 h
  for (const auto& envelope : forgeries) {
    spine.redis_command({"XADD", spine.key(), "*", "e", envelope.SerializeAsString()});
  }
  spine.redis_command({"XADD", spine.key(), "*", "e", "not protobuf at all"});
  spine.enqueue({200});
  spine.relay_all(relay);

  huicai::metrics::Registry metrics;
  const std::string group = "selftest-forged-" + spine.suffix;
  auto consumer = spine.make_consumer(group, "c1", std::chrono::seconds(30), {}, &metrics);
  // Everything was read: the two real events applied, nothing of the forgeries.
  expect_only_real_events_applied(spine, *consumer, group, metrics, 6);
}

TEST_CASE(
    "the relay names each entry's type in field t: a consumer acknowledges other types unparsed "
    "and rejects a t its envelope contradicts",
    "[events]") {
  EventSpineHarness spine;
  REQUIRE(spine.redis_connected());
  spine.enqueue({100});
  Relay relay(spine.pool, spine.redis, spine.relay_options());
  spine.relay_all(relay);

  auto written = spine.redis_command({"XRANGE", spine.key(), "-", "+"});
  REQUIRE(written.elements.size() == 1);
  const auto& fields = written.elements[0].elements.at(1).elements;
  REQUIRE(fields.size() == 4);
  CHECK(fields[0].text == "t");
  CHECK(fields[1].text == huicai::test::kSelftestEventType);
  CHECK(fields[2].text == "e");

  // Another type's entry whose envelope is not even protobuf: not this consumer's, so it is
  // acknowledged without being parsed (not counted as rejected). An entry claiming this
  // consumer's type over an envelope of another type is a forgery: rejected, never applied.
  spine.redis_command(
      {"XADD", spine.key(), "*", "t", "core_selftest.other_type.v1", "e", "not protobuf at all"});
  auto contradicted = forged_envelope(spine);
  contradicted.set_type("core_selftest.other_type.v1");
  spine.redis_command({"XADD", spine.key(), "*", "t", huicai::test::kSelftestEventType, "e",
                       contradicted.SerializeAsString()});
  spine.enqueue({200});
  spine.relay_all(relay);

  huicai::metrics::Registry metrics;
  const std::string group = "selftest-typed-" + spine.suffix;
  auto consumer = spine.make_batch_consumer(group, "c1", {huicai::test::kSelftestEventType}, {},
                                            std::chrono::seconds(30), &metrics);
  // The real events applied; of the two others only the contradicting one counted as rejected.
  expect_only_real_events_applied(spine, *consumer, group, metrics, 1);
}
