// The envelope check on its own: what our relay writes passes; each way an outsider's entry
// differs from it is named.
#include <catch2/catch.hpp>
#include <huicai/core/events/envelope_check.hpp>

using huicai::events::envelope_problem;
using huicai::events::ReceivedEvent;

namespace {

const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));

std::int64_t microseconds(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
}

ReceivedEvent relayed() {
  ReceivedEvent event;
  event.event_id = "3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5b";
  event.type = "ordering.order_paid.v1";
  event.producer = "ordering";
  event.aggregate_id = "42";
  event.occurred_at_us = microseconds(kNow - std::chrono::seconds(3));
  return event;
}

}  // namespace

TEST_CASE("what the relay writes passes the envelope check", "[events]") {
  CHECK(envelope_problem(relayed(), kNow).empty());
  auto audit = relayed();
  audit.type = "audit.recorded.v1";  // every service writes audit entries on its own stream
  CHECK(envelope_problem(audit, kNow).empty());
  auto skewed = relayed();
  skewed.occurred_at_us = microseconds(kNow + std::chrono::minutes(4));
  CHECK(envelope_problem(skewed, kNow).empty());
}

TEST_CASE("the envelope check names what is wrong", "[events]") {
  auto event = relayed();
  event.event_id = "3f2b8c1e-9a4d-4e2f-8b1a-0c9d8e7f6a5";  // one digit short
  CHECK(envelope_problem(event, kNow) == "event id is not a UUID");
  event = relayed();
  event.event_id = "3f2b8c1e+9a4d-4e2f-8b1a-0c9d8e7f6a5b";
  CHECK(envelope_problem(event, kNow) == "event id is not a UUID");

  event = relayed();
  event.producer = "";
  CHECK(envelope_problem(event, kNow) == "producer is not a service name");
  event.producer = "catalog";  // an ordering event claimed by the catalog
  CHECK(envelope_problem(event, kNow) == "type is not the producer's");

  for (const char* type : {"ordering", "ordering.order_paid", "ordering.order_paid.1",
                           "ordering.Order_paid.v1", "ordering..v1", "ordering.order paid.v1"}) {
    INFO(type);
    event = relayed();
    event.type = type;
    CHECK(envelope_problem(event, kNow) == "type is not <area>.<event>.v<N>");
  }

  event = relayed();
  event.occurred_at_us = 0;
  CHECK(envelope_problem(event, kNow) == "occurred_at is zero or in the future");
  event.occurred_at_us = microseconds(kNow + std::chrono::minutes(6));
  CHECK(envelope_problem(event, kNow) == "occurred_at is zero or in the future");
}
