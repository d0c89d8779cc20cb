#pragma once
// The settlement routes (one table per file: routes_statements.cpp, routes_reports.cpp,
// routes_exports.cpp, routes_payment_terms.cpp) and the
// `reconcile` command.
#include <huicai/core/app/context.hpp>
#include <string>
#include <vector>

namespace huicai::settlement {

void add_routes(http::Router& router, app::Context& context);
void add_statement_routes(http::Router& router, app::Context& context);
void add_report_routes(http::Router& router, app::Context& context);
void add_export_routes(http::Router& router, app::Context& context);
void add_payment_terms_routes(http::Router& router, app::Context& context);

// `huicai reconcile [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--county ID] [--supplier ID]`.
int run_command(const Config& config, const std::vector<std::string>& arguments);

}  // namespace huicai::settlement
