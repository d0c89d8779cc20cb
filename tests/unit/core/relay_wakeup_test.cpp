// The relay's wakeup orders the rows its process commits (docs/adr/0028): by the place each
// transaction took when it wrote its row, not by which after-commit step ran first; a place given
// up (rolled back) lets the next ones through; a place open too long, or one refused because too
// many are open, is given up and the relay told, so it polls in id order before going on.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <huicai/core/events/relay_wakeup.hpp>
#include <string>
#include <thread>
#include <vector>

using huicai::events::CommittedEvent;
using huicai::events::RelayWakeup;

namespace {

CommittedEvent event_named(const std::string& name) {
  CommittedEvent event;
  event.event_id = name;
  event.stream = "selftest";
  return event;
}

std::vector<std::string> ids(const RelayWakeup::Committed& taken) {
  std::vector<std::string> names;
  for (const auto& event : taken.events) names.push_back(event.event_id);
  return names;
}

}  // namespace

TEST_CASE("committed rows reach the relay in the order their places were taken", "[events]") {
  boost::asio::io_context io;
  RelayWakeup wakeup(io.get_executor());
  auto paid = wakeup.ticket();
  auto refunded = wakeup.ticket();
  // The later transaction's after-commit step runs first: nothing passes the open place.
  refunded->committed(event_named("refunded"));
  CHECK(wakeup.take_committed().events.empty());
  paid->committed(event_named("paid"));
  const auto taken = wakeup.take_committed();
  CHECK(ids(taken) == std::vector<std::string>{"paid", "refunded"});
  CHECK_FALSE(taken.dropped);
  CHECK(wakeup.take_committed().events.empty());
}

TEST_CASE("a place whose transaction did not commit lets the next ones through", "[events]") {
  boost::asio::io_context io;
  RelayWakeup wakeup(io.get_executor());
  auto rolled_back = wakeup.ticket();
  auto next = wakeup.ticket();
  next->committed(event_named("next"));
  rolled_back.reset();  // dropped without committed(): the place is given up
  const auto taken = wakeup.take_committed();
  CHECK(ids(taken) == std::vector<std::string>{"next"});
  CHECK_FALSE(taken.dropped);
}

TEST_CASE("a place open too long is given up, and the relay told when its row commits later",
          "[events]") {
  boost::asio::io_context io;
  RelayWakeup wakeup(io.get_executor());
  auto slow = wakeup.ticket();
  auto quick = wakeup.ticket();
  quick->committed(event_named("quick"));
  CHECK(wakeup.take_committed().events.empty());
  std::this_thread::sleep_for(RelayWakeup::kOpenWait + std::chrono::milliseconds(50));
  auto taken = wakeup.take_committed();
  CHECK(ids(taken) == std::vector<std::string>{"quick"});
  CHECK(taken.dropped);  // the slow one's row is left to the poll
  slow->committed(event_named("slow"));
  taken = wakeup.take_committed();
  CHECK(taken.events.empty());
  CHECK(taken.dropped);  // committed after all: the poll must publish it first
}

TEST_CASE("beyond the limit of open places a row is left to the poll, and the relay told",
          "[events]") {
  boost::asio::io_context io;
  RelayWakeup wakeup(io.get_executor());
  std::vector<std::shared_ptr<huicai::events::OutboxTicket>> tickets;
  for (std::size_t i = 0; i < RelayWakeup::kOpenLimit; ++i) tickets.push_back(wakeup.ticket());
  CHECK(wakeup.ticket() == nullptr);
  for (std::size_t i = 0; i < tickets.size(); ++i) {
    tickets[i]->committed(event_named("event-" + std::to_string(i)));
  }
  auto taken = wakeup.take_committed();
  CHECK(taken.dropped);
  CHECK(taken.events.size() == RelayWakeup::kOpenLimit);
  CHECK(wakeup.ticket() != nullptr);  // room again
  CHECK_FALSE(wakeup.take_committed().dropped);
}
