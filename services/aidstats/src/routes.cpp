#include "routes.hpp"

namespace huicai::aidstats {

void add_routes(http::Router& router, app::Context& context) {
  add_totals_routes(router, context);
  add_reserved_share_routes(router, context);
  add_ranking_routes(router, context);
}

}  // namespace huicai::aidstats
