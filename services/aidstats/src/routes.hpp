#pragma once
// The aid totals routes (one table per file: routes_totals.cpp, ...) and the
// `aidstats-rebuild` command.
#include <huicai/core/app/context.hpp>
#include <string>
#include <vector>

namespace huicai::aidstats {

void add_routes(http::Router& router, app::Context& context);
void add_totals_routes(http::Router& router, app::Context& context);  // routes_totals.cpp
// The live feed (a WebSocket; starts this process's feed subscription): routes_feed.cpp.
void add_feed_routes(http::Router& router, app::Context& context);
// The dashboard's static files: routes_dashboard.cpp.
void add_dashboard_routes(http::Router& router, app::Context& context);
void add_reserved_share_routes(http::Router& router,
                               app::Context& context);                 // routes_reserved_share.cpp
void add_ranking_routes(http::Router& router, app::Context& context);  // routes_rankings.cpp

// `huicai aidstats-rebuild`: recomputes every total from ordering's published views.
int run_command(const Config& config, const std::vector<std::string>& arguments);

}  // namespace huicai::aidstats
