#include <array>
#include <huicai/ordering/order_state.hpp>
#include <utility>

namespace huicai::ordering {
namespace {

constexpr std::array<std::pair<OrderStatus, std::string_view>, 7> kOrderNames{{
    {OrderStatus::pending_approval, "pending_approval"},
    {OrderStatus::pending_payment, "pending_payment"},
    {OrderStatus::paid, "paid"},
    {OrderStatus::completed, "completed"},
    {OrderStatus::rejected, "rejected"},
    {OrderStatus::expired, "expired"},
    {OrderStatus::cancelled, "cancelled"},
}};

constexpr std::array<std::pair<FulfilmentStatus, std::string_view>, 6> kFulfilmentNames{{
    {FulfilmentStatus::awaiting_payment, "awaiting_payment"},
    {FulfilmentStatus::to_ship, "to_ship"},
    {FulfilmentStatus::shipped, "shipped"},
    {FulfilmentStatus::received, "received"},
    {FulfilmentStatus::accepted, "accepted"},
    {FulfilmentStatus::cancelled, "cancelled"},
}};

struct OrderEdge {
  OrderStatus from;
  OrderStatus to;
};
// The whole order state machine. Unit orders are funded from the budget, so approval moves
// them straight to paid; employee orders with a personal part wait for the payment channel.
constexpr OrderEdge kOrderEdges[] = {
    {OrderStatus::pending_approval, OrderStatus::paid},
    {OrderStatus::pending_approval, OrderStatus::rejected},
    {OrderStatus::pending_approval, OrderStatus::expired},
    {OrderStatus::pending_approval, OrderStatus::cancelled},
    {OrderStatus::pending_payment, OrderStatus::paid},
    {OrderStatus::pending_payment, OrderStatus::expired},
    {OrderStatus::pending_payment, OrderStatus::cancelled},
    {OrderStatus::paid, OrderStatus::completed},
};

struct FulfilmentEdge {
  FulfilmentStatus from;
  FulfilmentStatus to;
};
constexpr FulfilmentEdge kFulfilmentEdges[] = {
    {FulfilmentStatus::awaiting_payment, FulfilmentStatus::to_ship},
    {FulfilmentStatus::awaiting_payment, FulfilmentStatus::cancelled},
    {FulfilmentStatus::to_ship, FulfilmentStatus::shipped},
    {FulfilmentStatus::shipped, FulfilmentStatus::received},
    {FulfilmentStatus::received, FulfilmentStatus::accepted},
};

}  // namespace

std::string_view to_string(OrderStatus status) {
  for (const auto& [value, name] : kOrderNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<OrderStatus> order_status_from_string(std::string_view text) {
  for (const auto& [value, name] : kOrderNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string_view to_string(FulfilmentStatus status) {
  for (const auto& [value, name] : kFulfilmentNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<FulfilmentStatus> fulfilment_status_from_string(std::string_view text) {
  for (const auto& [value, name] : kFulfilmentNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

bool can_transition(OrderStatus from, OrderStatus to) {
  for (const auto& edge : kOrderEdges) {
    if (edge.from == from && edge.to == to) return true;
  }
  return false;
}

bool can_transition(FulfilmentStatus from, FulfilmentStatus to) {
  for (const auto& edge : kFulfilmentEdges) {
    if (edge.from == from && edge.to == to) return true;
  }
  return false;
}

bool is_final(OrderStatus status) {
  return status == OrderStatus::completed || status == OrderStatus::rejected ||
         status == OrderStatus::expired || status == OrderStatus::cancelled;
}

bool holds_reservations(OrderStatus status) {
  return status == OrderStatus::pending_approval || status == OrderStatus::pending_payment;
}

}  // namespace huicai::ordering
