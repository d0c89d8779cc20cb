#pragma once
// The payment-due clock's event: an unpaid statement whose earliest due date has passed gets one
// settlement.statement_overdue.v1 in settlement_outbox, in the transaction that stamps
// overdue_notified_at (compare-and-set), so each statement is announced once whatever the number
// of instances sweeping.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

namespace huicai::mysql {
class Session;
}
namespace huicai::app {
class Context;
}

namespace huicai::settlement {

// Announces up to `limit` statements overdue on `today` (YYYY-MM-DD); returns how many.
std::int64_t announce_overdue(mysql::Session& session, const std::string& today,
                              std::int64_t limit = 100);

// Sweeps once a minute until the process stops.
boost::asio::awaitable<void> run_overdue_sweeper(app::Context& context);

}  // namespace huicai::settlement
