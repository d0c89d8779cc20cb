#pragma once
// Keeps catalog_products.sales_count (the "sales" sort of browse) from ordering's events: each
// paid order adds its lines' quantities. Idempotent through catalog_processed_events.

#include <huicai/core/app/context.hpp>
#include <huicai/core/events/consumer.hpp>

namespace huicai::catalog {

void count_sales(mysql::Session& session, const events::ReceivedEvent& event);
void start_sales_counter(app::Context& context);

}  // namespace huicai::catalog
