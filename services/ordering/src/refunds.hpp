#pragma once
// Refunds back to the fund sources an order was paid from, in reverse order of use (personal
// money first, then the allowance or budget), exact in fen, in the caller's transaction: the
// refund row, the balance and channel changes, the ledger rows, the order's and lines'
// refunded amounts and the refund_completed event commit together.

#include <cstdint>
#include <string>
#include <vector>

#include "order_events.hpp"
#include "order_records.hpp"

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

class PaymentChannel;

struct RefundRequest {
  std::int64_t amount_fen = 0;
  std::string reason_kind;  // "partial_acceptance", "after_sale"
  std::int64_t fulfilment_id = 0;
  std::int64_t after_sale_id = 0;
  std::vector<RefundLineAmount> lines;  // which lines the money came from (Σ = amount)
};

// What each source of a paid order may still get back: captured minus refunded, in order of use.
std::vector<FundShare> refundable_by_source(mysql::Session& session, const OrderRecord& order);

// Returns the refund id. Throws Problem 409 "refund-exceeds-paid" when the order cannot give
// that much back. `order` must have been loaded FOR UPDATE in this transaction.
std::int64_t refund_to_sources(mysql::Session& session, OrderRecord& order,
                               const RefundRequest& request, PaymentChannel& channel,
                               const Actor& actor);

}  // namespace huicai::ordering
