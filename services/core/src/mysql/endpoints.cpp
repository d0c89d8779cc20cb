#include <charconv>
#include <huicai/core/mysql/endpoints.hpp>
#include <stdexcept>

namespace huicai::mysql {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

Endpoint parse_endpoint(std::string_view entry) {
  const auto colon = entry.rfind(':');
  const auto fail = [&] {
    throw std::invalid_argument("expected host:port, got \"" + std::string(entry) + "\"");
  };
  if (colon == std::string_view::npos || colon == 0) fail();
  const auto port_text = entry.substr(colon + 1);
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc{} || end != port_text.data() + port_text.size() ||
      port < 1 || port > 65'535) {
    fail();
  }
  return Endpoint{std::string(entry.substr(0, colon)), static_cast<std::uint16_t>(port)};
}

}  // namespace

std::vector<Endpoint> parse_endpoints(std::string_view text) {
  std::vector<Endpoint> endpoints;
  if (trimmed(text).empty()) return endpoints;
  while (true) {
    const auto comma = text.find(',');
    endpoints.push_back(parse_endpoint(trimmed(text.substr(0, comma))));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return endpoints;
}

}  // namespace huicai::mysql
