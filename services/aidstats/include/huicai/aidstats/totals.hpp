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
// transaction; returns what was added to the totals (zero entries left out). `amounts_after`
// (when given) receives the amounts of the changed rows as this transaction leaves them.
Totals apply_orders(mysql::Session& session, std::vector<std::int64_t> order_ids,
                    Totals* amounts_after = nullptr);

// The batch handler of the totals consumer: applies the orders the events name (their
// aggregate id is the order id).
Totals apply_ordering_events(mysql::Session& session, std::span<const events::ReceivedEvent> batch,
                             Totals* amounts_after = nullptr);

// Adds `delta` to aidstats_totals (rows in key order, so concurrent writers lock alike); when
// `amounts_after` is given, it receives each row's amount after the addition (the rows stay
// locked until the caller's transaction ends, so these are the amounts it commits).
void add_to_totals(mysql::Session& session, const Totals& delta, Totals* amounts_after = nullptr);

}  // namespace huicai::aidstats
