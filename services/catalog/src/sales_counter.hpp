#pragma once
// Keeps catalog_products.sales_count (the "sales" sort of browse) from ordering's events: each
// paid order adds its lines' quantities. A batched consumer of ordering.order_paid.v1 only (the
// other ordering events cost the catalog nothing); idempotent through catalog_processed_events.

#include <huicai/core/app/context.hpp>
#include <huicai/core/events/consumer.hpp>

namespace huicai::catalog {

inline constexpr const char* kOrderPaidEvent = "ordering.order_paid.v1";

// Adds the quantities of a batch of order_paid events: one UPDATE per product, in product id
// order (concurrent batches lock the rows in the same order).
void count_sales(mysql::Session& session, std::span<const events::ReceivedEvent> events);
void start_sales_counter(app::Context& context);

}  // namespace huicai::catalog
