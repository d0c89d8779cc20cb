#pragma once
// Wakes the relays of an outbox in this process as soon as a transaction that wrote to it
// commits, instead of leaving the row to the relay's next idle poll: events::enqueue asks the
// session to notify the outbox's table after the commit (mysql::after_commit), and
// Relay::run waits on its RelayWakeup rather than on a plain timer. Rows committed by other
// processes (a second instance, a tool) are still found by the idle poll.
//
// Any producer gets this by calling events::enqueue; nothing to do beyond running the Relay.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace huicai::events {

// An outbox row as its transaction wrote it, handed to the relay of this process once committed,
// so the relay can publish it without reading or claiming it (relay.cpp, "the committed path").
struct CommittedEvent {
  std::string event_id;
  std::string stream;
  std::string type;
  std::string aggregate_id;
  std::string payload;
  std::string request_id;
  std::int64_t occurred_at_us = 0;  // as written into occurred_at
};

class RelayWakeup {
 public:
  explicit RelayWakeup(boost::asio::any_io_executor executor);
  ~RelayWakeup();
  RelayWakeup(const RelayWakeup&) = delete;
  RelayWakeup& operator=(const RelayWakeup&) = delete;

  // From any thread, never blocks. The wait in progress, or else the next one, returns at once.
  // Notices that come while one is pending merge into it.
  void notify();
  // notify(), and keeps `event` for take_committed(). Beyond kCommittedLimit kept events the
  // event is not kept (the relay's poll finds its row).
  void offer(CommittedEvent event);
  // The events offered since the last call, in the order they were offered (commit order).
  std::vector<CommittedEvent> take_committed();
  static constexpr std::size_t kCommittedLimit = 10'000;
  // Returns after `at_most`, or as soon as notify() is called. Cancelling the awaiting coroutine
  // ends it with operation_aborted (a boost::system::system_error), as any Asio wait.
  boost::asio::awaitable<void> wait(std::chrono::milliseconds at_most);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Keeps `wakeup` notified of commits to `outbox_table` in this process while the returned handle
// lives.
std::shared_ptr<void> watch_outbox(const std::string& outbox_table,
                                   std::shared_ptr<RelayWakeup> wakeup);

// Notifies the wakeups watching `outbox_table`; the first of them is offered `event`, the others
// only notified (one relay publishes it). events::enqueue calls it after the commit.
void notify_outbox_committed(const std::string& outbox_table, CommittedEvent event);

}  // namespace huicai::events
