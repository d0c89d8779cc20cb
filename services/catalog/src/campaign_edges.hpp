#pragma once
// Campaign window edges move prices without any catalog write: a campaign's price starts and
// ends by the clock (catalog_sku_pricing compares the window with UTC_TIMESTAMP). Cached pages
// (browse_cache.hpp) are keyed by the catalog version, which only writes bump, so a page read
// just before an edge would keep the price an order is no longer charged until it ages out.
// This background loop bumps the version at every edge, as a catalog write does: after an edge
// no instance serves an older page for longer than the version lease.

#include <chrono>

#include "catalog_state.hpp"

namespace huicai::catalog {

// How often the loop looks for edges it did not know of when it went to sleep: a campaign
// defined meanwhile (here or on another instance) that opens within this time. Edges known in
// advance are met to the millisecond; defining and ending a campaign bump the version at once.
inline constexpr std::chrono::seconds kCampaignEdgeRecheck{5};

// Bumps the catalog version whenever a window edge of a campaign SKU has passed since its last
// look, and sleeps until the next edge or kCampaignEdgeRecheck. Runs in every worker process;
// extra bumps only cost cache misses.
void start_campaign_edge_bumps(app::Context& context, StatePtr state);

}  // namespace huicai::catalog
