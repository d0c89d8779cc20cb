// /healthz, /readyz and /metrics against the live stack. /metrics answers on the API port only
// with the metrics token, and on its own loopback listener without one.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <huicai/core/log.hpp>
#include <string>

#include "http_client.hpp"
#include "test_app.hpp"
#include "test_routes.hpp"

using huicai::test::HttpClient;
using huicai::test::TestApp;
using namespace std::chrono_literals;

TEST_CASE("/healthz answers 200", "[http][health]") {
  TestApp app({});
  HttpClient client(app.host(), app.port());
  const auto response = client.get("/healthz");
  CHECK(response.status == 200);
  CHECK(response.json().at("status").as_string() == "ok");
}

TEST_CASE("/readyz answers 200 with MariaDB and Redis up", "[http][health]") {
  TestApp app({});
  HttpClient client(app.host(), app.port());
  const auto response = client.get("/readyz");
  INFO(response.body);
  CHECK(response.status == 200);
  CHECK(response.json().at("mysql").as_string() == "ok");
  CHECK(response.json().at("redis").as_string() == "ok");
}

TEST_CASE("/readyz answers 503 naming Redis when Redis does not answer", "[http][health]") {
  // Port 1 on loopback refuses connections: a Redis that is down.
  TestApp app({}, [](huicai::Config& config) {
    config.redis_port = 1;
    config.redis_command_timeout = 300ms;
  });
  HttpClient client(app.host(), app.port());
  const auto response = client.get("/readyz");
  INFO(response.body);
  CHECK(response.status == 503);
  CHECK(response.header("content-type") == "application/problem+json");
  CHECK(response.header("retry-after") == "1");
  const auto failing = response.json().at("failing").as_array();
  REQUIRE(failing.size() == 1);
  CHECK(failing[0].as_string() == "redis");
}

TEST_CASE("/readyz answers 503 naming MySQL when MariaDB does not answer", "[http][health]") {
  TestApp app({}, [](huicai::Config& config) {
    config.mysql_port = 1;
    config.mysql_connect_timeout = 1s;
  });
  HttpClient client(app.host(), app.port());
  const auto started = std::chrono::steady_clock::now();
  const auto response = client.get("/readyz");
  INFO(response.body);
  CHECK(response.status == 503);
  CHECK(std::chrono::steady_clock::now() - started < 10s);  // never a hang
  const auto failing = response.json().at("failing").as_array();
  REQUIRE(failing.size() == 1);
  CHECK(failing[0].as_string() == "mysql");
}

namespace {

const std::string kMetricsToken = "metrics-token-of-this-test-0123456789";

// A port nothing listens on right now (the kernel's pick, released again).
std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

TEST_CASE("/metrics on the API port is 404 without the metrics token", "[http][health]") {
  SECTION("no token configured: 404 whatever is sent") {
    TestApp app({huicai::test::test_service_entry()},
                [](huicai::Config& config) { config.access_log = false; });
    HttpClient client(app.host(), app.port());
    auto response = client.get("/metrics");
    CHECK(response.status == 404);
    CHECK(response.body.find("huicai_") == std::string::npos);
    CHECK(client.get("/metrics", {{"authorization", "Bearer "}}).status == 404);
  }
  SECTION("a token configured: only that bearer token gets the metrics") {
    TestApp app({huicai::test::test_service_entry()}, [](huicai::Config& config) {
      config.access_log = false;
      config.metrics_token = kMetricsToken;
    });
    HttpClient client(app.host(), app.port());
    CHECK(client.get("/metrics").status == 404);
    CHECK(client.get("/metrics", {{"authorization", "Bearer " + kMetricsToken + "x"}}).status ==
          404);
    CHECK(client.get("/metrics", {{"authorization", "Basic " + kMetricsToken}}).status == 404);
    const auto response = client.get("/metrics", {{"authorization", "Bearer " + kMetricsToken}});
    CHECK(response.status == 200);
    CHECK(response.body.find("huicai_http_requests_total") != std::string::npos);
  }
}

TEST_CASE("/metrics is served on its own loopback listener", "[http][health]") {
  const auto metrics_port = free_loopback_port();
  TestApp app({huicai::test::test_service_entry()}, [metrics_port](huicai::Config& config) {
    config.access_log = false;
    config.metrics_port = metrics_port;
  });
  HttpClient scraper("127.0.0.1", metrics_port);
  const auto response = scraper.get("/metrics");
  REQUIRE(response.status == 200);
  CHECK(response.header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
  CHECK(response.body.find("huicai_http_open_connections") != std::string::npos);
  // Nothing else lives there; the API port still hides /metrics.
  CHECK(scraper.get("/test/echo").status == 404);
  CHECK(scraper.get("/healthz").status == 404);
  HttpClient api(app.host(), app.port());
  CHECK(api.get("/metrics").status == 404);
}

TEST_CASE("/metrics counts requests by route pattern and status", "[http][health]") {
  TestApp app({huicai::test::test_service_entry()}, [](huicai::Config& config) {
    config.access_log = false;
    config.metrics_token = kMetricsToken;
  });
  HttpClient client(app.host(), app.port());
  REQUIRE(client.get("/test/echo").status == 200);
  REQUIRE(client.get("/test/echo").status == 200);
  REQUIRE(client.get("/no/such/route").status == 404);

  const auto response = client.get("/metrics", {{"authorization", "Bearer " + kMetricsToken}});
  REQUIRE(response.status == 200);
  CHECK(response.header("content-type").rfind("text/plain; version=0.0.4", 0) == 0);
  const auto& text = response.body;
  INFO(text);
  CHECK(text.find("# TYPE huicai_http_requests_total counter") != std::string::npos);
  CHECK(text.find("huicai_http_requests_total{service=\"test\",route=\"/test/echo\","
                  "method=\"GET\",status=\"200\"} 2") != std::string::npos);
  CHECK(text.find("route=\"unmatched\",method=\"GET\",status=\"404\"} 1") != std::string::npos);
  CHECK(text.find("huicai_http_request_duration_seconds_bucket{service=\"test\","
                  "route=\"/test/echo\",le=\"+Inf\"} 2") != std::string::npos);
  CHECK(text.find("huicai_mysql_pool_connections") != std::string::npos);
  CHECK(text.find("huicai_redis_connected") != std::string::npos);
  CHECK(text.find("huicai_http_open_connections") != std::string::npos);
}
