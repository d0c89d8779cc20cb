#pragma once
// Every order-level transition as a compare-and-set on (status, version), with its side
// effects, history row and outbox event in the caller's transaction:
//   mark_paid    pending_* -> paid: capture held funds, fulfilments to_ship
//   end_order    pending_* -> expired/rejected/cancelled: release stock and held funds once
//   complete_if_done  paid -> completed when every fulfilment is final
// A transition out of order throws Problem 409 "invalid-transition" naming the current state.

#include <huicai/ordering/order_state.hpp>

#include "order_events.hpp"
#include "order_records.hpp"

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

// CAS of the order row only (status, version, updated_at[, paid_at]); updates `order` in memory.
void set_order_status(mysql::Session& session, OrderRecord& order, OrderStatus to);
// CAS of one fulfilment row; updates the record in memory.
void set_fulfilment_status(mysql::Session& session, FulfilmentRecord& fulfilment,
                           FulfilmentStatus to);

[[noreturn]] void throw_invalid_transition(std::string_view what, std::string_view current,
                                           std::string_view wanted);

// What a transition leaves in the caller's record of the order's times: `reload` reads
// updated_at and paid_at again (one statement) for a caller that answers with them; `stale`
// leaves them as loaded (status, version and the fulfilments' states are always current).
enum class OrderTimes { reload, stale };

// `event_name` is "order_paid"; an approval emits "order_approved" before it.
void mark_paid(mysql::Session& session, OrderRecord& order, const Actor& actor, OrderTimes times);
// `to` is expired, rejected or cancelled; the event is "order_<to>".
void end_order(mysql::Session& session, OrderRecord& order, OrderStatus to, const Actor& actor);
// paid -> completed when every fulfilment is received (employee) or accepted (unit).
void complete_if_done(mysql::Session& session, OrderRecord& order, const Actor& actor);

}  // namespace huicai::ordering
