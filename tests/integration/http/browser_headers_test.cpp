// What a browser on another origin sees: CORS preflights answered before authentication for the
// origins of HUICAI_CORS_ORIGINS and refused without any CORS header for others, the security
// headers on every answer, and the API reference served by the server itself (/openapi.yaml,
// /docs and its assets, public, no CDN).
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "http_client.hpp"
#include "test_app.hpp"
#include "test_routes.hpp"

using huicai::test::HttpClient;
using huicai::test::TestApp;

namespace {

constexpr auto kAllowed = "https://shop.huicai.example";

TestApp app_with_browser_settings() {
  return TestApp({huicai::test::test_service_entry()}, [](huicai::Config& config) {
    config.cors_origins = std::string(kAllowed) + ", http://localhost:5173";
    config.openapi_path = HUICAI_SOURCE_DIR "/docs/openapi.yaml";
    config.docs_ui_dir = HUICAI_SOURCE_DIR "/docs/ui/node_modules/swagger-ui-dist";
  });
}

bool has_cors_header(const huicai::test::HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name.rfind("access-control-", 0) == 0) return true;
  }
  return false;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

}  // namespace

TEST_CASE("a preflight from a listed origin is answered 204 with methods and headers",
          "[http][cors]") {
  auto app = app_with_browser_settings();
  HttpClient client(app.host(), app.port());
  // /test/private needs a token: the preflight carries none and must not be refused for it.
  const auto response = client.request("OPTIONS", "/test/private", {},
                                       {{"origin", kAllowed},
                                        {"access-control-request-method", "GET"},
                                        {"access-control-request-headers", "authorization"}});
  CHECK(response.status == 204);
  CHECK(response.header("access-control-allow-origin") == kAllowed);
  CHECK(response.header("access-control-allow-methods").find("GET") != std::string::npos);
  const auto headers = response.header("access-control-allow-headers");
  for (const auto* name : {"Authorization", "Content-Type", "Idempotency-Key", "If-Match"}) {
    INFO(name);
    CHECK(headers.find(name) != std::string::npos);
  }
  CHECK(response.header("vary") == "Origin");
}

TEST_CASE("a preflight from an unlisted origin gets no CORS headers", "[http][cors]") {
  auto app = app_with_browser_settings();
  HttpClient client(app.host(), app.port());
  const auto response = client.request(
      "OPTIONS", "/test/echo", {},
      {{"origin", "https://evil.example"}, {"access-control-request-method", "POST"}});
  CHECK(response.status == 403);
  CHECK_FALSE(has_cors_header(response));
  CHECK(response.json().at("type").as_string() ==
        "https://huicai.dev/problems/cors-origin-not-allowed");
  // A look-alike of a listed origin is another origin.
  const auto look_alike = client.request("OPTIONS", "/test/echo", {},
                                         {{"origin", std::string(kAllowed) + ".evil.example"},
                                          {"access-control-request-method", "GET"}});
  CHECK(look_alike.status == 403);
  CHECK_FALSE(has_cors_header(look_alike));
}

TEST_CASE("answers name a listed origin and only a listed one", "[http][cors]") {
  auto app = app_with_browser_settings();
  HttpClient client(app.host(), app.port());
  const auto listed = client.get("/test/echo", {{"origin", kAllowed}});
  CHECK(listed.status == 200);
  CHECK(listed.header("access-control-allow-origin") == kAllowed);
  CHECK(listed.header("access-control-expose-headers").find("ETag") != std::string::npos);
  CHECK_FALSE(listed.has_header("access-control-allow-credentials"));

  const auto unlisted = client.get("/test/echo", {{"origin", "https://evil.example"}});
  CHECK(unlisted.status == 200);
  CHECK_FALSE(has_cors_header(unlisted));
  const auto same_origin = client.get("/test/echo");
  CHECK_FALSE(has_cors_header(same_origin));
}

TEST_CASE("with no origins configured no browser origin is allowed", "[http][cors]") {
  TestApp app({huicai::test::test_service_entry()});
  HttpClient client(app.host(), app.port());
  const auto response = client.request(
      "OPTIONS", "/test/echo", {},
      {{"origin", "http://localhost:5173"}, {"access-control-request-method", "GET"}});
  CHECK(response.status == 403);
  CHECK_FALSE(has_cors_header(response));
}

TEST_CASE("every answer carries nosniff and a referrer policy; personal data is not stored",
          "[http][cors]") {
  auto app = app_with_browser_settings();
  HttpClient client(app.host(), app.port());
  for (const auto* target : {"/test/echo", "/test/private", "/no/such/path", "/healthz"}) {
    INFO(target);
    const auto response = client.get(target);
    CHECK(response.header("x-content-type-options") == "nosniff");
    CHECK(response.header("referrer-policy") == "no-referrer");
    CHECK(response.header("cache-control") == "no-store");
  }
}

TEST_CASE("the server serves its OpenAPI document and an offline reference page, publicly",
          "[http][docs]") {
  auto app = app_with_browser_settings();
  HttpClient client(app.host(), app.port());

  const auto document = client.get("/openapi.yaml");
  CHECK(document.status == 200);
  CHECK(document.header("content-type").rfind("application/yaml", 0) == 0);
  CHECK(document.body == file_text(HUICAI_SOURCE_DIR "/docs/openapi.yaml"));

  const auto page = client.get("/docs");
  CHECK(page.status == 200);
  CHECK(page.header("content-type").rfind("text/html", 0) == 0);
  // Everything the page loads comes from this server: no CDN.
  CHECK(page.body.find("src=\"docs/swagger-ui-bundle.js\"") != std::string::npos);
  CHECK(page.body.find("https://") == std::string::npos);

  const auto bundle = client.get("/docs/swagger-ui-bundle.js");
  CHECK(bundle.status == 200);
  CHECK(bundle.header("content-type").rfind("text/javascript", 0) == 0);
  CHECK(bundle.body.find("SwaggerUIBundle") != std::string::npos);
  CHECK(client.get("/docs/swagger-ui.css").status == 200);
  CHECK(client.get("/docs/reference-init.js").body.find("openapi.yaml") != std::string::npos);
  CHECK(client.get("/docs/../../etc/passwd").status == 404);
  CHECK(client.get("/docs/index.html").status == 404);
}

TEST_CASE("a server without the reference files still starts and answers 404 for them",
          "[http][docs]") {
  TestApp app({}, [](huicai::Config& config) {
    config.openapi_path = "/nonexistent/openapi.yaml";
    config.docs_ui_dir = "/nonexistent";
  });
  HttpClient client(app.host(), app.port());
  CHECK(client.get("/openapi.yaml").status == 404);
  CHECK(client.get("/docs/swagger-ui-bundle.js").status == 404);
  CHECK(client.get("/healthz").status == 200);
}
