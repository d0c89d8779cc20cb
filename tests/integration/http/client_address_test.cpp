// Request::remote_address through a real socket: X-Forwarded-For names the client only when the
// connection comes from a trusted proxy (HUICAI_TRUSTED_PROXIES); anyone else's header is
// ignored. Tests leave from other loopback addresses (127.0.0.x) to be another peer.
#include <catch2/catch.hpp>

#include "http_client.hpp"
#include "test_app.hpp"
#include "test_routes.hpp"

using huicai::test::HttpClient;
using huicai::test::TestApp;

namespace {

std::string remote_seen(HttpClient& client, const std::string& forwarded_for) {
  const auto response = client.get("/test/echo", {{"x-forwarded-for", forwarded_for}});
  REQUIRE(response.status == 200);
  return std::string(response.json().at("remote_address").as_string());
}

}  // namespace

TEST_CASE("X-Forwarded-For is believed only from a trusted proxy", "[http][proxies]") {
  TestApp app({huicai::test::test_service_entry()}, [](huicai::Config& config) {
    config.access_log = false;
    config.trusted_proxies = "127.0.0.2/32";
  });

  HttpClient stranger(app.host(), app.port());
  stranger.bind_source("127.0.0.3");
  CHECK(remote_seen(stranger, "198.51.100.7") == "127.0.0.3");

  HttpClient proxy(app.host(), app.port());
  proxy.bind_source("127.0.0.2");
  CHECK(remote_seen(proxy, "198.51.100.7") == "198.51.100.7");
  // A client's own forged entry on the left is not believed: the proxy appended the real one.
  CHECK(remote_seen(proxy, "10.9.9.9, 198.51.100.8") == "198.51.100.8");
  const auto response = proxy.get("/test/echo", {{"x-forwarded-for", "198.51.100.7"}});
  CHECK(response.json().at("peer_address").as_string() == "127.0.0.2");
}

TEST_CASE("without trusted proxies the peer is the client", "[http][proxies]") {
  TestApp app({huicai::test::test_service_entry()},
              [](huicai::Config& config) { config.access_log = false; });
  HttpClient client(app.host(), app.port());
  client.bind_source("127.0.0.2");
  CHECK(remote_seen(client, "198.51.100.7") == "127.0.0.2");
}
