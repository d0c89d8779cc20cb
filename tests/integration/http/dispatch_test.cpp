// What every response carries and how errors become problem+json, through a real server.
#include <catch2/catch.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <string>

#include "http_client.hpp"
#include "test_app.hpp"
#include "test_routes.hpp"

using huicai::test::HttpClient;
using huicai::test::TestApp;

namespace {

TestApp make_app() {
  return TestApp({huicai::test::test_service_entry()},
                 [](huicai::Config& config) { config.access_log = false; });
}

}  // namespace

TEST_CASE("an unknown route is 404 problem+json", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto response = client.get("/v1/does-not-exist");
  CHECK(response.status == 404);
  CHECK(response.header("content-type") == "application/problem+json");
  const auto body = response.json();
  CHECK(body.at("type").as_string() == "https://huicai.dev/problems/not-found");
  CHECK(body.at("status").as_int64() == 404);
  CHECK(body.at("instance").as_string() == "/v1/does-not-exist");
  CHECK(body.at("request_id").as_string() == response.header("x-request-id"));
  CHECK(response.keep_alive);
}

TEST_CASE("a wrong method is 405 with Allow", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto response = client.del("/test/echo");
  CHECK(response.status == 405);
  CHECK(response.header("content-type") == "application/problem+json");
  CHECK(response.header("allow") == "GET, HEAD, POST");
}

TEST_CASE("every response has an X-Request-Id and a sane client id is kept", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());

  const auto generated = client.get("/test/echo");
  CHECK(generated.header("x-request-id").size() == 32);
  CHECK(generated.json().at("request_id").as_string() == generated.header("x-request-id"));

  const auto kept = client.get("/test/echo", {{"x-request-id", "trace-abc.123"}});
  CHECK(kept.header("x-request-id") == "trace-abc.123");

  const auto replaced = client.get("/test/echo", {{"x-request-id", "bad id with spaces\"{}"}});
  CHECK(replaced.header("x-request-id").size() == 32);

  for (const char* target : {"/nope", "/test/throw", "/test/problem", "/test/private"}) {
    INFO(target);
    CHECK(!client.get(target).header("x-request-id").empty());
  }
}

TEST_CASE("a handler's exception is 500 without details", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto response = client.get("/test/throw");
  CHECK(response.status == 500);
  CHECK(response.header("content-type") == "application/problem+json");
  CHECK(response.body.find("secret") == std::string::npos);
  CHECK(response.body.find("t_orders") == std::string::npos);
  CHECK(response.json().at("request_id").as_string() == response.header("x-request-id"));
}

TEST_CASE("ServiceUnavailable is 503 with Retry-After", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto response = client.get("/test/unavailable");
  CHECK(response.status == 503);
  CHECK(response.header("retry-after") == "2");
  CHECK(response.json().at("dependency").as_string() == "mysql");
}

TEST_CASE("a thrown Problem keeps its status", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto response = client.get("/test/problem");
  CHECK(response.status == 409);
  CHECK(response.json().at("detail").as_string() == "already done");
}

TEST_CASE("a protected route without a valid token is 401 with WWW-Authenticate", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto missing = client.get("/test/private");
  CHECK(missing.status == 401);
  CHECK(missing.header("www-authenticate").rfind("Bearer", 0) == 0);
  CHECK(missing.header("content-type") == "application/problem+json");

  const auto forged = client.get("/test/private", {{"authorization", "Bearer not-a-token"}});
  CHECK(forged.status == 401);
  CHECK(forged.header("www-authenticate").find("invalid_token") != std::string::npos);
}

TEST_CASE("a token without a granted role is 403", "[http]") {
  auto app = make_app();
  huicai::auth::Principal employee;
  employee.account_id = 77;
  employee.login = "e77";
  employee.roles = {huicai::auth::Role::employee};
  const auto token = app.context().tokens().issue_access(employee).token;
  huicai::auth::Principal operator_account = employee;
  operator_account.roles = {huicai::auth::Role::operator_};
  const auto operator_token = app.context().tokens().issue_access(operator_account).token;

  HttpClient client(app.host(), app.port());
  const auto forbidden = client.get("/test/private", {{"authorization", "Bearer " + token}});
  CHECK(forbidden.status == 403);
  const auto allowed = client.get("/test/private", {{"authorization", "Bearer " + operator_token}});
  CHECK(allowed.status == 200);
  CHECK(allowed.json().at("account_id").as_int64() == 77);
}
