// Which address is the client: X-Forwarded-For counts only from trusted proxies, and only the
// hops they vouch for; the CIDR list parses IPv4 and IPv6 and names a bad entry.
#include <catch2/catch.hpp>
#include <huicai/core/http/trusted_proxies.hpp>
#include <stdexcept>

using huicai::http::TrustedProxies;

TEST_CASE("the CIDR list matches addresses and networks of both families", "[proxies]") {
  const auto proxies = TrustedProxies::parse(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8,,");
  CHECK(proxies.contains("10.1.2.3"));
  CHECK(proxies.contains("192.168.1.7"));
  CHECK_FALSE(proxies.contains("192.168.1.8"));
  CHECK_FALSE(proxies.contains("11.0.0.1"));
  CHECK(proxies.contains("fd12::1"));
  CHECK_FALSE(proxies.contains("fe80::1"));
  CHECK(proxies.contains("::ffff:10.9.9.9"));  // IPv4-mapped IPv6 is the same peer
  CHECK_FALSE(proxies.contains("not-an-address"));
  CHECK_FALSE(proxies.contains(""));

  CHECK(TrustedProxies::parse("").empty());
  CHECK(TrustedProxies::parse("0.0.0.0/0").contains("203.0.113.9"));
  CHECK(TrustedProxies::parse("10.0.0.0/9").contains("10.127.255.255"));
  CHECK_FALSE(TrustedProxies::parse("10.0.0.0/9").contains("10.128.0.0"));
}

TEST_CASE("a bad entry is refused by name", "[proxies]") {
  for (const char* bad :
       {"10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/x", "proxy.lan", "10.0.0.256"}) {
    INFO(bad);
    try {
      TrustedProxies::parse(std::string("127.0.0.1, ") + bad);
      FAIL("accepted");
    } catch (const std::invalid_argument& error) {
      CHECK(std::string(error.what()).find(bad) != std::string::npos);
    }
  }
}

TEST_CASE("X-Forwarded-For names the client only behind trusted proxies", "[proxies]") {
  const auto proxies = TrustedProxies::parse("10.0.0.0/8");
  // An untrusted peer's header is ignored, whatever it claims.
  CHECK(proxies.client_address("203.0.113.5", "198.51.100.1") == "203.0.113.5");
  // No proxies configured: the peer, always.
  CHECK(TrustedProxies{}.client_address("10.0.0.1", "198.51.100.1") == "10.0.0.1");
  // A trusted proxy: the address it appended.
  CHECK(proxies.client_address("10.0.0.1", "198.51.100.1") == "198.51.100.1");
  // A client that sends its own header: the proxy appends the real address; the forged hop on
  // the left is not believed.
  CHECK(proxies.client_address("10.0.0.1", "1.2.3.4, 198.51.100.1") == "198.51.100.1");
  // Two trusted proxies in a row: the first untrusted hop from the right.
  CHECK(proxies.client_address("10.0.0.1", "198.51.100.1, 10.0.0.2") == "198.51.100.1");
  // Only trusted hops: the left-most of them.
  CHECK(proxies.client_address("10.0.0.1", "10.0.0.3, 10.0.0.2") == "10.0.0.3");
  // Garbage ends the walk at the last hop a trusted proxy vouched for.
  CHECK(proxies.client_address("10.0.0.1", "198.51.100.1, junk") == "10.0.0.1");
  CHECK(proxies.client_address("10.0.0.1", "junk, 10.0.0.2") == "10.0.0.2");
  // No header behind a proxy: the proxy.
  CHECK(proxies.client_address("10.0.0.1", "") == "10.0.0.1");
  // Ports and brackets some proxies write; IPv6 clients.
  CHECK(proxies.client_address("10.0.0.1", "198.51.100.1:4711") == "198.51.100.1");
  CHECK(proxies.client_address("10.0.0.1", "[2001:db8::1]:4711") == "2001:db8::1");
  CHECK(proxies.client_address("10.0.0.1", "2001:db8::1") == "2001:db8::1");
}
