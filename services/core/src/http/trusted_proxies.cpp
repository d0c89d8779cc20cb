// Address parsing with inet_pton (no Asio here: handlers and tests include the header). IPv4 is
// held as IPv4-mapped IPv6 so one comparison covers both families.
#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <huicai/core/http/trusted_proxies.hpp>
#include <optional>
#include <stdexcept>

namespace huicai::http {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

struct Parsed {
  Bytes bytes{};
  bool v4 = false;
};

std::optional<Parsed> parse_address(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  Parsed parsed;
  in_addr v4{};
  if (::inet_pton(AF_INET, buffer, &v4) == 1) {
    parsed.v4 = true;
    parsed.bytes[10] = 0xff;
    parsed.bytes[11] = 0xff;
    std::memcpy(parsed.bytes.data() + 12, &v4, 4);
    return parsed;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, buffer, &v6) == 1) {
    std::memcpy(parsed.bytes.data(), &v6, 16);
    static constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    parsed.v4 = std::memcmp(parsed.bytes.data(), kMappedPrefix, 12) == 0;
    return parsed;
  }
  return std::nullopt;
}

// One X-Forwarded-For entry: an address, maybe with a port ("1.2.3.4:80", "[::1]:80").
std::optional<Parsed> parse_forwarded_entry(std::string_view entry) {
  entry = trim(entry);
  if (!entry.empty() && entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return parse_address(entry.substr(1, close - 1));
  }
  const auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    entry = entry.substr(0, colon);  // IPv4 with a port
  }
  return parse_address(entry);
}

std::string to_text(const Parsed& address) {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (address.v4) {
    ::inet_ntop(AF_INET, address.bytes.data() + 12, buffer, sizeof buffer);
  } else {
    ::inet_ntop(AF_INET6, address.bytes.data(), buffer, sizeof buffer);
  }
  return buffer;
}

bool in_network(const Bytes& address, const Bytes& network, unsigned prefix_bits) {
  unsigned bits = prefix_bits;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - take));
    if ((address[i] & mask) != (network[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

}  // namespace

TrustedProxies TrustedProxies::parse(std::string_view list) {
  TrustedProxies result;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const auto entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    const auto slash = entry.find('/');
    const auto parsed = parse_address(entry.substr(0, slash));
    if (!parsed) {
      throw std::invalid_argument("'" + std::string(entry) + "' is not an address or network");
    }
    Network network;
    network.bytes = parsed->bytes;
    const unsigned family_bits = parsed->v4 ? 32 : 128;
    unsigned prefix = family_bits;
    if (slash != std::string_view::npos) {
      const auto digits = entry.substr(slash + 1);
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() ||
          prefix > family_bits) {
        throw std::invalid_argument("'" + std::string(entry) + "' has a bad prefix length");
      }
    }
    network.prefix_bits = parsed->v4 ? prefix + 96 : prefix;
    result.networks_.push_back(network);
  }
  return result;
}

bool TrustedProxies::contains(std::string_view address) const {
  const auto parsed = parse_address(trim(address));
  if (!parsed) return false;
  for (const auto& network : networks_) {
    if (in_network(parsed->bytes, network.bytes, network.prefix_bits)) return true;
  }
  return false;
}

std::string TrustedProxies::client_address(std::string_view peer,
                                           std::string_view forwarded_for) const {
  if (networks_.empty() || !contains(peer)) return std::string(peer);
  // Right to left: each trusted hop vouches for the one before it.
  std::string client(peer);
  while (!trim(forwarded_for).empty()) {
    const auto comma = forwarded_for.rfind(',');
    const auto entry =
        comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for =
        comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    const auto parsed = parse_forwarded_entry(entry);
    if (!parsed) break;  // garbage: keep the last hop we could vouch for
    client = to_text(*parsed);
    if (!contains(client)) break;
  }
  return client;
}

}  // namespace huicai::http
