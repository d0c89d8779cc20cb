#include <catch2/catch.hpp>
#include <huicai/ordering/order_state.hpp>

using namespace huicai::ordering;

TEST_CASE("order statuses round-trip through their names", "[ordering][state]") {
  for (auto status : {OrderStatus::pending_approval, OrderStatus::pending_payment,
                      OrderStatus::paid, OrderStatus::completed, OrderStatus::rejected,
                      OrderStatus::expired, OrderStatus::cancelled}) {
    CHECK(order_status_from_string(to_string(status)) == status);
  }
  CHECK_FALSE(order_status_from_string("shipped").has_value());
}

TEST_CASE("the order state machine allows only its edges", "[ordering][state]") {
  CHECK(can_transition(OrderStatus::pending_payment, OrderStatus::paid));
  CHECK(can_transition(OrderStatus::pending_payment, OrderStatus::expired));
  CHECK(can_transition(OrderStatus::pending_approval, OrderStatus::paid));
  CHECK(can_transition(OrderStatus::pending_approval, OrderStatus::rejected));
  CHECK(can_transition(OrderStatus::paid, OrderStatus::completed));
  // Out of order: paying an expired order, expiring a paid one, reviving a final one.
  CHECK_FALSE(can_transition(OrderStatus::expired, OrderStatus::paid));
  CHECK_FALSE(can_transition(OrderStatus::paid, OrderStatus::expired));
  CHECK_FALSE(can_transition(OrderStatus::rejected, OrderStatus::pending_approval));
  CHECK_FALSE(can_transition(OrderStatus::pending_payment, OrderStatus::rejected));
  CHECK_FALSE(can_transition(OrderStatus::paid, OrderStatus::paid));
}

TEST_CASE("final states have no way out", "[ordering][state]") {
  const OrderStatus all[] = {
      OrderStatus::pending_approval, OrderStatus::pending_payment, OrderStatus::paid,
      OrderStatus::completed,        OrderStatus::rejected,        OrderStatus::expired,
      OrderStatus::cancelled};
  for (auto from : all) {
    if (!is_final(from)) continue;
    for (auto to : all) CHECK_FALSE(can_transition(from, to));
  }
  CHECK(holds_reservations(OrderStatus::pending_payment));
  CHECK(holds_reservations(OrderStatus::pending_approval));
  CHECK_FALSE(holds_reservations(OrderStatus::paid));
}

TEST_CASE("fulfilments move forward one step at a time", "[ordering][state]") {
  CHECK(can_transition(FulfilmentStatus::awaiting_payment, FulfilmentStatus::to_ship));
  CHECK(can_transition(FulfilmentStatus::to_ship, FulfilmentStatus::shipped));
  CHECK(can_transition(FulfilmentStatus::shipped, FulfilmentStatus::received));
  CHECK(can_transition(FulfilmentStatus::received, FulfilmentStatus::accepted));
  CHECK_FALSE(can_transition(FulfilmentStatus::to_ship, FulfilmentStatus::received));
  CHECK_FALSE(can_transition(FulfilmentStatus::awaiting_payment, FulfilmentStatus::shipped));
  CHECK_FALSE(can_transition(FulfilmentStatus::shipped, FulfilmentStatus::cancelled));
  CHECK(fulfilment_status_from_string("shipped") == FulfilmentStatus::shipped);
}
