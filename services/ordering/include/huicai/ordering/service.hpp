#pragma once
// The ordering service: carts, orders split per supplier, stock and reservations, fund sources
// and payment, approvals, unpaid-order expiry, shipment, receipt, acceptance and after-sales.

#include <huicai/core/app/context.hpp>

namespace huicai::ordering {

void register_service(app::Context& context, http::Router& router);
void load_demo_data(app::Context& context);
app::ServiceEntry service_entry();

}  // namespace huicai::ordering
