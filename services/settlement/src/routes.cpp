#include "routes.hpp"

namespace huicai::settlement {

void add_routes(http::Router& router, app::Context& context) {
  (void)router;
  (void)context;
}

int run_command(const Config&, const std::vector<std::string>&) {
  return app::kNotThisCommand;
}

}  // namespace huicai::settlement
