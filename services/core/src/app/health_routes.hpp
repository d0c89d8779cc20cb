#pragma once
// /healthz, /readyz and /metrics: public routes of the "core" service on every process.

namespace huicai::http {
class Router;
}

namespace huicai::app {

class Context;

void register_health_routes(Context& context, http::Router& router);

}  // namespace huicai::app
