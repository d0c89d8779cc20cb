// WebSocket route helpers without Beast (huicai/core/http/websocket.hpp).
#include <algorithm>
#include <cctype>
#include <huicai/core/http/websocket.hpp>

namespace huicai::http {
namespace {

bool contains_token(std::string_view list, std::string_view token) {
  // A comma-separated header value, compared case-insensitively element by element.
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto element = list.substr(0, comma);
    while (!element.empty() && element.front() == ' ') element.remove_prefix(1);
    while (!element.empty() && element.back() == ' ') element.remove_suffix(1);
    if (element.size() == token.size() &&
        std::equal(element.begin(), element.end(), token.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return true;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool is_websocket_upgrade(const Request& request) {
  return request.method == Method::get && contains_token(request.header("upgrade"), "websocket");
}

std::string_view websocket_bearer_token(const Request& request) {
  if (!is_websocket_upgrade(request)) return {};
  for (const auto& [name, value] : request.headers) {
    if (name != "sec-websocket-protocol") continue;
    std::string_view list = value;
    while (!list.empty()) {
      const auto comma = list.find(',');
      auto element = list.substr(0, comma);
      while (!element.empty() && element.front() == ' ') element.remove_prefix(1);
      while (!element.empty() && element.back() == ' ') element.remove_suffix(1);
      if (element.starts_with(kWebSocketBearerPrefix)) {
        return element.substr(kWebSocketBearerPrefix.size());
      }
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return {};
}

Response accept_websocket(WebSocketUpgrade upgrade) {
  Response response;
  response.status = 101;
  response.websocket = std::make_shared<WebSocketUpgrade>(std::move(upgrade));
  return response;
}

}  // namespace huicai::http
