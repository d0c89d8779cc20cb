// The HTTP server's transport behaviour, through a real socket: keep-alive, limits, malformed
// input, timeouts, overload.
#include <catch2/catch.hpp>
#include <chrono>
#include <huicai/core/log.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "test_app.hpp"
#include "test_routes.hpp"

using huicai::test::CloseState;
using huicai::test::HttpClient;
using huicai::test::TestApp;
using namespace std::chrono_literals;

namespace {

TestApp make_app(std::function<void(huicai::Config&)> adjust = {}) {
  return TestApp({huicai::test::test_service_entry()}, [adjust](huicai::Config& config) {
    config.access_log = false;
    config.http_body_limit = 4 * 1024;
    config.http_header_limit = 2 * 1024;
    config.http_idle_timeout = 400ms;
    config.http_read_timeout = 2s;
    if (adjust) adjust(config);
  });
}

}  // namespace

TEST_CASE("keep-alive serves several requests on one connection", "[http]") {
  auto app = make_app([](huicai::Config& config) { config.http_idle_timeout = 5s; });
  HttpClient client(app.host(), app.port());
  std::uint16_t first_port = 0;
  for (int i = 0; i < 5; ++i) {
    const auto response = client.get("/test/echo?i=" + std::to_string(i));
    REQUIRE(response.status == 200);
    CHECK(response.keep_alive);
    CHECK(response.json().at("query").as_string() == "i=" + std::to_string(i));
    if (i == 0) first_port = client.local_port();
    CHECK(client.local_port() == first_port);
  }
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("pipelined requests are answered in order on one connection", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  client.send_raw(
      "GET /test/echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /test/echo?n=2 HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(client.read_response().json().at("query").as_string() == "n=1");
  CHECK(client.read_response().json().at("query").as_string() == "n=2");
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("a body over the limit is 413 and the connection closes", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto response = client.post("/test/echo", std::string(5 * 1024, 'x'));
  CHECK(response.status == 413);
  CHECK(response.header("content-type") == "application/problem+json");
  CHECK(response.json().at("status").as_int64() == 413);
  CHECK(!response.header("x-request-id").empty());
  CHECK(!response.keep_alive);

  // A body within the limit on a fresh connection is fine.
  const auto fine = client.post("/test/echo", std::string(4 * 1024, 'x'));
  CHECK(fine.status == 200);
  CHECK(fine.json().at("body_size").as_int64() == 4 * 1024);
}

TEST_CASE("a header section over the limit is 431", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto response = client.get("/test/echo", {{"x-padding", std::string(3 * 1024, 'p')}});
  CHECK(response.status == 431);
  CHECK(response.header("content-type") == "application/problem+json");
  CHECK(!response.keep_alive);
}

TEST_CASE("a malformed request is 400 and the server closes the connection", "[http]") {
  auto app = make_app([](huicai::Config& config) { config.http_idle_timeout = 10s; });
  const char* garbage[] = {
      "THIS IS NOT HTTP\r\n\r\n",
      "GET /test/echo HTTP/1.x\r\n\r\n",
      "GET /test/echo HTTP/2.0\r\n\r\n",  // Beast speaks only 1.0 and 1.1
      "GET /test/echo HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
      "POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
  };
  for (const char* bytes : garbage) {
    INFO(bytes);
    HttpClient client(app.host(), app.port());
    client.send_raw(bytes);
    const auto response = client.read_response();
    CHECK(response.status == 400);
    CHECK(response.header("content-type") == "application/problem+json");
    CHECK(!response.header("x-request-id").empty());
    // Closed by the server, long before the 10 s idle timeout.
    CHECK(client.wait_for_close(3s) == CloseState::closed);
  }
}

TEST_CASE("Expect: 100-continue gets an interim 100 before the body is sent", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  client.send_raw(
      "POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  CHECK(client.read_response().status == 100);
  client.send_raw("hello");
  const auto response = client.read_response();
  CHECK(response.status == 200);
  CHECK(response.json().at("body_size").as_int64() == 5);
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout", "[http]") {
  auto app = make_app();  // idle timeout 400 ms
  HttpClient client(app.host(), app.port());
  REQUIRE(client.get("/test/echo").status == 200);
  const auto started = std::chrono::steady_clock::now();
  CHECK(client.wait_for_close(5s) == CloseState::closed);
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited >= 300ms);
  CHECK(waited < 3s);
}

TEST_CASE("a handler slower than the idle timeout still answers on the same connection", "[http]") {
  // The idle timeout (400 ms here) bounds waiting for a request, not handling one.
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto response = client.get("/test/slow?ms=900");
  REQUIRE(response.status == 200);
  CHECK(response.json().at("slept_ms").as_int64() == 900);
  CHECK(response.keep_alive);
  CHECK(client.get("/test/echo").status == 200);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("a response larger than the socket buffers arrives whole", "[http]") {
  // 24 MiB cannot be written at once: the rest is sent as the client reads.
  auto app = make_app([](huicai::Config& config) { config.http_idle_timeout = 10s; });
  HttpClient client(app.host(), app.port(), 30s);
  constexpr std::size_t kSize = 24 * 1024 * 1024;
  const auto response = client.get("/test/bytes?count=" + std::to_string(kSize));
  REQUIRE(response.status == 200);
  REQUIRE(response.body.size() == kSize);
  bool pattern_intact = true;
  for (std::size_t i = 0; i < kSize; i += 4093) {
    if (response.body[i] != static_cast<char>('0' + i % 10)) pattern_intact = false;
  }
  CHECK(pattern_intact);
  CHECK(response.body.back() == static_cast<char>('0' + (kSize - 1) % 10));
  CHECK(client.get("/test/echo").status == 200);  // the connection is still in step
}

TEST_CASE("a client that stops reading a large response is disconnected", "[http]") {
  // The write timeout runs between two successive writes: no progress for 500 ms ends it.
  auto app = make_app([](huicai::Config& config) {
    config.http_read_timeout = 500ms;
    config.http_idle_timeout = 10s;
  });
  HttpClient client(app.host(), app.port(), 10s);
  client.send_raw("GET /test/bytes?count=" + std::to_string(24 * 1024 * 1024) +
                  " HTTP/1.1\r\nHost: x\r\n\r\n");
  // Not reading: the socket buffers fill up and the server's write stops making progress.
  std::this_thread::sleep_for(3s);
  CHECK_THROWS_WITH(client.read_response(), Catch::Contains("partial message"));
}

TEST_CASE("a request that stalls half-way is dropped after the read timeout", "[http]") {
  auto app = make_app([](huicai::Config& config) {
    config.http_read_timeout = 500ms;
    config.http_idle_timeout = 10s;
  });
  HttpClient client(app.host(), app.port());
  client.send_raw("GET /test/echo HTTP/1.1\r\nHost: x\r\n");  // header never finished
  const auto started = std::chrono::steady_clock::now();
  CHECK(client.wait_for_close(5s) == CloseState::closed);
  CHECK(std::chrono::steady_clock::now() - started < 3s);
}

TEST_CASE("connections beyond max_connections get 503 with Retry-After", "[http]") {
  auto app = make_app([](huicai::Config& config) {
    config.http_max_connections = 2;
    config.http_idle_timeout = 10s;
  });
  HttpClient first(app.host(), app.port());
  HttpClient second(app.host(), app.port());
  REQUIRE(first.get("/test/echo").status == 200);
  REQUIRE(second.get("/test/echo").status == 200);
  HttpClient third(app.host(), app.port());
  const auto rejected = third.get("/test/echo");
  CHECK(rejected.status == 503);
  CHECK(rejected.header("retry-after") == "1");
  // The two admitted connections still work.
  CHECK(first.get("/test/echo").status == 200);
  first.close();
  // Once a slot is free (the server notices the close), new connections are admitted.
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    HttpClient retry(app.host(), app.port());
    status = retry.get("/test/echo").status;
    if (status == 200) break;
  }
  CHECK(status == 200);
}

TEST_CASE("one address beyond its connection cap gets 503 while others and proxies do not",
          "[http]") {
  auto app = make_app([](huicai::Config& config) {
    config.http_max_connections_per_ip = 3;
    config.http_idle_timeout = 10s;
    config.trusted_proxies = "127.0.0.9";
  });
  std::vector<std::unique_ptr<HttpClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<HttpClient>(app.host(), app.port()));
    held.back()->bind_source("127.0.0.2");
    REQUIRE(held.back()->get("/test/echo").status == 200);
  }
  HttpClient fourth(app.host(), app.port());
  fourth.bind_source("127.0.0.2");
  const auto rejected = fourth.get("/test/echo");
  CHECK(rejected.status == 503);
  CHECK(rejected.header("retry-after") == "1");

  // Another address is not affected.
  HttpClient neighbour(app.host(), app.port());
  neighbour.bind_source("127.0.0.3");
  CHECK(neighbour.get("/test/echo").status == 200);
  // A trusted proxy carries many clients: no per-address cap for it.
  std::vector<std::unique_ptr<HttpClient>> proxy_connections;
  for (int i = 0; i < 5; ++i) {
    proxy_connections.push_back(std::make_unique<HttpClient>(app.host(), app.port()));
    proxy_connections.back()->bind_source("127.0.0.9");
    CHECK(proxy_connections.back()->get("/test/echo").status == 200);
  }

  // The capped address gets a slot back once one of its connections closes.
  held.front()->close();
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (status != 200 && std::chrono::steady_clock::now() < deadline) {
    HttpClient retry(app.host(), app.port());
    retry.bind_source("127.0.0.2");
    status = retry.get("/test/echo").status;
  }
  CHECK(status == 200);
}

TEST_CASE("HEAD answers like GET without a body", "[http]") {
  auto app = make_app();
  HttpClient client(app.host(), app.port());
  const auto get = client.get("/test/echo");
  const auto head = client.request("HEAD", "/test/echo");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(!head.header("content-length").empty());
  CHECK(head.header("content-type") == "application/json");
  // The connection is still usable: the server did not send body bytes after the HEAD headers.
  CHECK(client.get("/test/echo").status == 200);
  CHECK(client.connections_opened() == 1);
  (void)get;
}
