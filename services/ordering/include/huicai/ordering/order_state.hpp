#pragma once
// The order and fulfilment state machines as data. Every status change in ordering goes
// through can_transition() before its compare-and-set UPDATE, so a transition out of order is
// refused with 409 and the current state, and the table below is the one place to read them.

#include <optional>
#include <string_view>

namespace huicai::ordering {

enum class OrderStatus {
  pending_approval,  // unit order above the unit's threshold, budget and stock held
  pending_payment,   // waiting for the personal part through the payment channel
  paid,              // every fund source captured; fulfilments may ship
  completed,         // every fulfilment received (employee) or accepted (unit)
  rejected,          // approver said no; stock and holds released
  expired,           // unpaid or unapproved in time; stock and holds released
  cancelled,         // buyer cancelled before payment or approval; stock and holds released
};

enum class FulfilmentStatus {
  awaiting_payment,  // the order is not paid yet
  to_ship,           // paid, the supplier packs it
  shipped,           // carrier, tracking number and batch recorded
  received,          // buyer confirmed receipt (or auto-confirmed)
  accepted,          // the unit recorded acceptance (验收) per line
  cancelled,         // the order ended before shipping
};

std::string_view to_string(OrderStatus status);
std::optional<OrderStatus> order_status_from_string(std::string_view text);
std::string_view to_string(FulfilmentStatus status);
std::optional<FulfilmentStatus> fulfilment_status_from_string(std::string_view text);

bool can_transition(OrderStatus from, OrderStatus to);
bool can_transition(FulfilmentStatus from, FulfilmentStatus to);

// Final states: nothing moves out of them (after-sales refunds do not change the status).
bool is_final(OrderStatus status);
// States in which the order still holds stock and fund holds that must be released when it ends.
bool holds_reservations(OrderStatus status);

}  // namespace huicai::ordering
