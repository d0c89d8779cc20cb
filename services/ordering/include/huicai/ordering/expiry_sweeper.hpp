#pragma once
// Ends orders that waited too long: unpaid ones (pending_payment) and unapproved ones
// (pending_approval) past their expires_at become expired, releasing stock and held funds.
// Exactly once with any number of sweepers: each order is ended in its own transaction that
// locks the order row and moves it with a compare-and-set; a second sweeper finds it no longer
// pending and leaves it. Shipped fulfilments not confirmed within the auto-receive period are
// marked received the same way. An order whose transaction fails (a conflict that outlasts the
// retries, a broken row) is logged and counted and the pass goes on with the next one: one
// stuck order never holds up the others. Transactions run at READ COMMITTED (docs/adr/0009).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>

namespace huicai::mysql {
class Pool;
}

namespace huicai::ordering {

struct SweepResult {
  std::size_t expired = 0;
  std::size_t auto_received = 0;
  std::size_t failed = 0;  // orders or fulfilments whose transaction failed in this pass
};

// One pass over what is due now (at most `batch` of each kind).
boost::asio::awaitable<SweepResult> sweep_once(mysql::Pool& pool,
                                               std::chrono::seconds auto_receive_after,
                                               std::size_t batch = 100);

// Loops until cancelled, one pass every `interval`.
boost::asio::awaitable<void> run_sweeper(mysql::Pool& pool, std::chrono::milliseconds interval,
                                         std::chrono::seconds auto_receive_after);

}  // namespace huicai::ordering
