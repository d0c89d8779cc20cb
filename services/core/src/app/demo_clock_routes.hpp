#pragma once
// The development-only demo clock (docs/adr/0014-demo-clock.md): PUT /v1/dev/clock moves this
// process's business clock (huicai/core/business_clock.hpp) into the past so the demo history
// generator writes dated history through the real API; DELETE puts it back. Registered only
// with HUICAI_ENV=development; elsewhere the path does not exist (404).

namespace huicai::http {
class Router;
}

namespace huicai::app {

class Context;

void register_demo_clock_routes(Context& context, http::Router& router);

}  // namespace huicai::app
