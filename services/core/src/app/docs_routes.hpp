#pragma once
// The API reference, public on every process: GET /openapi.yaml (docs/openapi.yaml as it is),
// GET /docs (a Swagger UI page reading it) and GET /docs/{asset} (the page's script and style
// from the npm package swagger-ui-dist, installed by deploy/install.sh: no CDN, works offline).
// Files are read once at start-up; a missing one is logged and its route answers 404.

namespace huicai {
struct Config;
}
namespace huicai::http {
class Router;
}

namespace huicai::app {

void register_docs_routes(const Config& config, http::Router& router);

}  // namespace huicai::app
