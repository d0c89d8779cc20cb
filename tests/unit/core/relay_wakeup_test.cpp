// The relay's wakeup keeps the copies of committed outbox rows for the committed path
// (docs/adr/0028): in commit order, bounded, and it tells the relay when it could not keep one,
// so the relay falls back to the poll before publishing anything committed later.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/events/relay_wakeup.hpp>
#include <string>

using huicai::events::CommittedEvent;
using huicai::events::RelayWakeup;

namespace {

CommittedEvent event_number(int number) {
  CommittedEvent event;
  event.event_id = "event-" + std::to_string(number);
  event.stream = "selftest";
  return event;
}

}  // namespace

TEST_CASE("the relay takes the committed copies in commit order, each once", "[events]") {
  boost::asio::io_context io;
  RelayWakeup wakeup(io.get_executor());
  for (int number = 1; number <= 3; ++number) wakeup.offer(event_number(number));
  auto taken = wakeup.take_committed();
  CHECK_FALSE(taken.dropped);
  REQUIRE(taken.events.size() == 3);
  CHECK(taken.events[0].event_id == "event-1");
  CHECK(taken.events[2].event_id == "event-3");
  CHECK(wakeup.take_committed().events.empty());
}

TEST_CASE("copies beyond the limit are not kept, and the relay is told so once", "[events]") {
  boost::asio::io_context io;
  RelayWakeup wakeup(io.get_executor());
  const auto limit = static_cast<int>(RelayWakeup::kCommittedLimit);
  for (int number = 1; number <= limit + 2; ++number) wakeup.offer(event_number(number));
  auto taken = wakeup.take_committed();
  CHECK(taken.dropped);
  CHECK(taken.events.size() == RelayWakeup::kCommittedLimit);
  CHECK(taken.events.back().event_id == "event-" + std::to_string(limit));
  wakeup.offer(event_number(limit + 3));
  auto next = wakeup.take_committed();
  CHECK_FALSE(next.dropped);
  CHECK(next.events.size() == 1);
}
