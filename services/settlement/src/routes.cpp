#include "routes.hpp"

namespace huicai::settlement {

void add_routes(http::Router& router, app::Context& context) {
  add_statement_routes(router, context);
  add_report_routes(router, context);
  add_export_routes(router, context);
  add_payment_terms_routes(router, context);
}

}  // namespace huicai::settlement
