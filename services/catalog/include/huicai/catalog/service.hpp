#pragma once
// The catalog service: counties, suppliers and their onboarding, aid-product certifications,
// categories, products and SKUs with prices and their history, listing review, and browse and
// search for buyers (cached in Redis and in process, invalidated by a version counter).

#include <huicai/core/app/context.hpp>

namespace huicai::catalog {

void register_service(app::Context& context, http::Router& router);
// Idempotent by natural keys: the nine counties, categories, ~30 cooperatives, ~200 products.
void load_demo_data(app::Context& context);
app::ServiceEntry service_entry();  // name "catalog"

}  // namespace huicai::catalog
