#pragma once
// /healthz, /readyz and /metrics: routes of the "core" service on every process. /metrics tells
// a stranger how busy the service is and which routes exist: on the API port it answers only
// with HUICAI_METRICS_TOKEN as bearer (404 otherwise, as if it did not exist); its own loopback
// listener (HUICAI_METRICS_PORT) serves it to whoever can reach that.

namespace huicai::http {
class Router;
}

namespace huicai::app {

class Context;

void register_health_routes(Context& context, http::Router& router);
// The routes of the metrics listener: /metrics without a token.
void register_metrics_listener_routes(Context& context, http::Router& router);

}  // namespace huicai::app
