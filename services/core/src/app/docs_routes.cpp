#include "app/docs_routes.hpp"

#include <fstream>
#include <huicai/core/config.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/log.hpp>
#include <map>
#include <memory>
#include <sstream>

namespace huicai::app {
namespace {

namespace asio = boost::asio;
using Body = std::shared_ptr<const std::string>;

// Relative URLs: the page works under a gateway's prefix as well as at the root.
constexpr std::string_view kReferencePage = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Huicai API reference</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/reference-init.js"></script>
</body>
</html>
)";
// In a file of its own rather than inline, so the page needs no 'unsafe-inline' script policy.
constexpr std::string_view kReferenceInit =
    R"(window.ui = SwaggerUIBundle({url: "openapi.yaml", dom_id: "#reference", deepLinking: true});
)";

Body read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    log::warn("API reference file missing: its route answers 404", {{"path", path}});
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::make_shared<const std::string>(std::move(text).str());
}

struct Asset {
  Body body;
  std::string content_type;
};

http::Response answer(const Asset& asset, std::string_view what) {
  if (!asset.body) {
    throw http::Problem(404, "not-found", "Not found",
                        std::string(what) + " is not installed on this server");
  }
  http::Response response;
  response.shared_body = asset.body;
  response.set_header("content-type", asset.content_type);
  // The same for everyone and changed only by a deployment.
  response.set_header("cache-control", "public, max-age=300");
  // The page runs only its own scripts and reads only this origin.
  response.set_header("content-security-policy",
                      "default-src 'self'; img-src 'self' data:; style-src 'self' "
                      "'unsafe-inline'; frame-ancestors 'none'");
  return response;
}

}  // namespace

void register_docs_routes(const Config& config, http::Router& router) {
  auto document = std::make_shared<const Asset>(
      Asset{read_file(config.openapi_path), "application/yaml; charset=utf-8"});
  auto page = std::make_shared<const Asset>(
      Asset{std::make_shared<const std::string>(kReferencePage), "text/html; charset=utf-8"});
  auto assets = std::make_shared<std::map<std::string, Asset, std::less<>>>();
  (*assets)["swagger-ui.css"] = {read_file(config.docs_ui_dir + "/swagger-ui.css"),
                                 "text/css; charset=utf-8"};
  (*assets)["swagger-ui-bundle.js"] = {read_file(config.docs_ui_dir + "/swagger-ui-bundle.js"),
                                       "text/javascript; charset=utf-8"};
  (*assets)["reference-init.js"] = {std::make_shared<const std::string>(kReferenceInit),
                                    "text/javascript; charset=utf-8"};

  router.add({http::Method::get,
              "/openapi.yaml",
              "core",
              auth::AccessRule::public_route(),
              [document](http::Request&) -> asio::awaitable<http::Response> {
                co_return answer(*document, "the API document");
              },
              {}});
  router.add({http::Method::get,
              "/docs",
              "core",
              auth::AccessRule::public_route(),
              [page](http::Request&) -> asio::awaitable<http::Response> {
                co_return answer(*page, "the reference page");
              },
              {}});
  router.add({http::Method::get,
              "/docs/{asset}",
              "core",
              auth::AccessRule::public_route(),
              [assets = std::shared_ptr<const std::map<std::string, Asset, std::less<>>>(assets)](
                  http::Request& request) -> asio::awaitable<http::Response> {
                const auto found = assets->find(request.path_param("asset"));
                if (found == assets->end()) {
                  throw http::Problem(404, "not-found", "Not found", "no such reference file");
                }
                co_return answer(found->second, "the reference page's " + found->first);
              },
              {}});
}

}  // namespace huicai::app
