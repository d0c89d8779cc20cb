#pragma once
// Who sent a request. The TCP peer, unless the peer is a proxy we were told to trust
// (HUICAI_TRUSTED_PROXIES): then the address that proxy, and any trusted proxy before it, wrote
// into X-Forwarded-For. Anyone can send that header, so it counts only from trusted peers, and
// only the hops a trusted proxy vouches for: the right-most address that is not itself a trusted
// proxy (what is left of it was written by the client and may be anything).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::http {

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // A comma-separated list of addresses and CIDR networks, IPv4 or IPv6:
  // "10.0.0.0/8, 192.168.1.7, fd00::/8". Empty: trust no one. Throws std::invalid_argument
  // naming the entry that does not parse.
  static TrustedProxies parse(std::string_view list);

  bool empty() const { return networks_.empty(); }
  bool contains(std::string_view address) const;  // false for what is not an address

  // The client of a connection from `peer` that carried `forwarded_for` (every X-Forwarded-For
  // header joined with commas, oldest hop first; empty when none was sent). An entry that is
  // not an address ends the walk at the trusted hop that passed it on.
  std::string client_address(std::string_view peer, std::string_view forwarded_for) const;

 private:
  struct Network {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    unsigned prefix_bits = 0;
  };
  std::vector<Network> networks_;
};

}  // namespace huicai::http
