#pragma once
// Wakes the relay of an outbox in this process as soon as a transaction that wrote to it commits,
// and hands it the row, instead of leaving the row to the relay's next idle poll:
// events::enqueue takes a ticket (a place in the relay's order) in the transaction and hands the
// row over after the commit (mysql::after_commit); Relay::run waits on its RelayWakeup rather
// than on a plain timer. Rows committed by other processes (a second instance, a tool) are still
// found by the idle poll.
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

// A place in the relay's publishing order, taken by events::enqueue inside the transaction that
// writes the row. The next change of the same aggregate can only write its row once this
// transaction committed (it waits for the aggregate's row lock), so it takes a later place:
// publishing in place order keeps each aggregate's events in the order they happened, whichever
// thread runs its after-commit step first. committed() hands the row over; a ticket dropped
// without it (rolled back, run again, outcome unknown) gives its place up.
class OutboxTicket {
 public:
  virtual ~OutboxTicket() = default;
  virtual void committed(CommittedEvent event) = 0;
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
  // The next place, or nullptr when kOpenLimit places are taken and not yet handed to the relay
  // (then the relay is told, as when a place is given up: the row waits for the poll).
  std::shared_ptr<OutboxTicket> ticket();
  struct Committed {
    std::vector<CommittedEvent> events;  // in place order
    bool dropped = false;  // a place was given up or refused: its row waits for the poll
  };
  // The committed rows at the front of the order, up to the first place still open. A place
  // open longer than kOpenWait (a long transaction) is given up (`dropped`), so it cannot hold
  // the others back for long.
  Committed take_committed();
  static constexpr std::size_t kOpenLimit = 10'000;
  static constexpr std::chrono::milliseconds kOpenWait{500};
  // Returns after `at_most`, or as soon as notify() is called. Cancelling the awaiting coroutine
  // ends it with operation_aborted (a boost::system::system_error), as any Asio wait.
  boost::asio::awaitable<void> wait(std::chrono::milliseconds at_most);

  // Defined in relay_wakeup.cpp only; named here because the tickets hold it too (a ticket may
  // outlive its wakeup).
  struct State;

 private:
  std::shared_ptr<State> state_;
};

// Keeps `wakeup` notified of commits to `outbox_table` in this process while the returned handle
// lives.
std::shared_ptr<void> watch_outbox(const std::string& outbox_table,
                                   std::shared_ptr<RelayWakeup> wakeup);

// A place in the order of the first relay watching `outbox_table` in this process (nullptr when
// none does: the row is left to a poll). events::enqueue takes it inside the transaction.
std::shared_ptr<OutboxTicket> take_outbox_ticket(const std::string& outbox_table);

}  // namespace huicai::events
