// Registration of the catalog service: its routes, the browse cache they share, and the relay
// that publishes catalog_outbox to the "catalog" stream.
#include <huicai/catalog/service.hpp>
#include <huicai/core/app/outbox_and_retention.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/metrics.hpp>
#include <memory>

#include "campaign_edges.hpp"
#include "catalog_events.hpp"
#include "catalog_state.hpp"
#include "routes.hpp"
#include "sales_counter.hpp"

namespace huicai::catalog {

void register_service(app::Context& context, http::Router& router) {
  auto state = std::make_shared<CatalogState>(context);
  register_county_routes(router, state);
  register_category_routes(router, state);
  register_attribute_routes(router, state);
  register_supplier_routes(router, state);
  register_bank_account_routes(router, state);
  register_certification_routes(router, state);
  register_product_routes(router, state);
  register_market_reference_routes(router, state);
  register_price_review_routes(router, state);
  register_campaign_routes(router, state);
  register_supplier_application_routes(router, state);
  register_browse_routes(router, state);

  // Cache effectiveness on /metrics (counters read on each scrape).
  context.metrics().describe("huicai_catalog_cache_total",
                             "Catalog browse/detail reads by cache outcome", "counter");
  std::weak_ptr<CatalogState> weak = state;
  context.metrics().add_collector([weak](metrics::Registry& registry) {
    const auto alive = weak.lock();
    if (!alive) return;
    const auto stats = alive->cache.stats();
    const auto set = [&](const char* outcome, std::uint64_t value) {
      registry.set_gauge("huicai_catalog_cache_total", {{"outcome", outcome}},
                         static_cast<double>(value));
    };
    set("local_hit", stats.local_hits);
    set("redis_hit", stats.redis_hits);
    set("miss", stats.misses);
    set("bypassed", stats.bypassed);
    set("version_read", stats.version_reads);
  });

  app::start_outbox_and_retention(
      context, {"catalog", std::string(kOutboxTable), std::string(kProducer), ""});
  start_sales_counter(context);
  start_campaign_edge_bumps(context, state);
}

app::ServiceEntry service_entry() {
  return app::ServiceEntry{"catalog", &register_service, &load_demo_data};
}

}  // namespace huicai::catalog
