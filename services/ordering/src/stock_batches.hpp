#pragma once
// Harvest batches on the order path (ADR 0021, db/migrations/0311): which batch each order
// line's units come from, and giving them back or shipping them per batch. The SKU's stock row
// (stock.hpp) stays the decision: it is locked and changed first, and `batch_available` on it is
// how many of its units lie in batches; the functions here then move the same units on the
// batch rows, one conditional UPDATE per batch touched. Lines of SKUs without batches cost
// nothing here beyond the one SELECT of their parts when an order ends or ships.

#include <cstdint>
#include <vector>

#include "order_records.hpp"
#include "stock.hpp"

namespace huicai::mysql {
class Session;
}

namespace huicai::ordering {

// Takes the units of each line whose request was batched from its SKU's open batches, the
// oldest harvest first and pre-sale batches last, and records each part
// (ordering_line_batches). Call right after reserve_all_stock(requests), whose UPDATE took
// min(quantity, batch_available) out of `batch_available` and holds the SKU's stock row: the
// batches give exactly that much. Nothing when no request is batched; otherwise one SELECT,
// one UPDATE per batch touched and one INSERT of the parts.
void draw_from_batches(mysql::Session& session, const OrderRecord& order,
                       const std::vector<StockRequest>& requests);

// Cancel, expiry, rejection: every line's units back to stock, each part to the batch it came
// from (the rest loose). Throws std::logic_error when the books disagree.
void release_order_stock(mysql::Session& session, const OrderRecord& order);

// Shipment of one fulfilment: its lines' units from reserved to sold, per batch. Throws
// Problem 409 "batch-not-shipping" (nothing changed) when a part's batch is a pre-sale batch
// that has not arrived or whose declared shipping date is still ahead.
void ship_fulfilment_stock(mysql::Session& session, const OrderRecord& order,
                           std::int64_t fulfilment_id);

}  // namespace huicai::ordering
