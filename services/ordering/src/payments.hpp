#pragma once
// Our side of the payment channel: creating an intent for an order's personal share, and
// applying a verified channel callback exactly once (a replayed callback finds its event id and
// changes nothing; a payment for an order that already expired or was cancelled is refunded
// automatically).

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "order_events.hpp"
#include "order_records.hpp"

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

class PaymentChannel;
struct ChannelCallback;

// Returns the pending intent of the order, creating it on first call. Throws Problem 409 when
// the order is not waiting for payment.
boost::json::object create_payment_intent(mysql::Session& session, const OrderRecord& order,
                                          PaymentChannel& channel);

struct CallbackResult {
  std::string outcome;  // "paid", "duplicate", "late_payment_refunded", "already_settled"
  std::int64_t order_id = 0;
};

// Throws Problem 422 for an unknown intent or a mismatched amount (nothing changes).
CallbackResult apply_callback(mysql::Session& session, PaymentChannel& channel,
                              const ChannelCallback& callback, const Actor& actor);

}  // namespace huicai::ordering
