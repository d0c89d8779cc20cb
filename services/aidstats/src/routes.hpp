#pragma once
// The aid totals routes (one table per file: routes_totals.cpp, ...) and the
// `aidstats-rebuild` command.
#include <huicai/core/app/context.hpp>
#include <string>
#include <vector>

namespace huicai::aidstats {

void add_routes(http::Router& router, app::Context& context);
void add_totals_routes(http::Router& router, app::Context& context);  // routes_totals.cpp
void add_reserved_share_routes(http::Router& router,
                               app::Context& context);                 // routes_reserved_share.cpp
void add_ranking_routes(http::Router& router, app::Context& context);  // routes_rankings.cpp

// `huicai aidstats-rebuild`: recomputes every total from ordering's published views.
int run_command(const Config& config, const std::vector<std::string>& arguments);

}  // namespace huicai::aidstats
