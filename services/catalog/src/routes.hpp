#pragma once
// Route registration of the catalog, one function per resource (each in routes_<name>.cpp).

#include <huicai/core/http/router.hpp>

#include "catalog_state.hpp"

namespace huicai::catalog {

void register_county_routes(http::Router& router, const StatePtr& state);
void register_category_routes(http::Router& router, const StatePtr& state);
void register_attribute_routes(http::Router& router, const StatePtr& state);
void register_supplier_routes(http::Router& router, const StatePtr& state);
void register_bank_account_routes(http::Router& router, const StatePtr& state);
void register_certification_routes(http::Router& router, const StatePtr& state);
void register_product_routes(http::Router& router, const StatePtr& state);
void register_market_reference_routes(http::Router& router, const StatePtr& state);
void register_price_review_routes(http::Router& router, const StatePtr& state);
void register_campaign_routes(http::Router& router, const StatePtr& state);
void register_supplier_application_routes(http::Router& router, const StatePtr& state);
void register_browse_routes(http::Router& router, const StatePtr& state);

}  // namespace huicai::catalog
