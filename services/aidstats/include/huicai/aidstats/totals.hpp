#pragma once
// The live aid totals: ordering's events name the orders whose aid changed (paid, refunded,
// partly accepted); each such order is read again from ordering's published views and the
// difference between its contribution now and the contribution the totals hold is added to
// aidstats_totals. Applying an order twice, or its events in any order, changes nothing more.

#include <cstdint>
#include <huicai/aidstats/contribution.hpp>
#include <span>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}
namespace huicai::events {
struct ReceivedEvent;
}

namespace huicai::aidstats {

// The ordering events that change an order's aid: paid; refund completed (after-sales and
// partial acceptance). Every other event of the stream is skipped without database work.
inline const std::vector<std::string> kTotalsEventTypes = {"ordering.order_paid.v1",
                                                           "ordering.refund_completed.v1"};

// Brings the totals of these orders up to date with the source, inside the caller's
// transaction; returns what was added to the totals (zero entries left out).
Totals apply_orders(mysql::Session& session, std::vector<std::int64_t> order_ids);

// The batch handler of the totals consumer: applies the orders the events name (their
// aggregate id is the order id).
Totals apply_ordering_events(mysql::Session& session, std::span<const events::ReceivedEvent> batch);

// Adds `delta` to aidstats_totals (rows in key order, so concurrent writers lock alike).
void add_to_totals(mysql::Session& session, const Totals& delta);

}  // namespace huicai::aidstats
