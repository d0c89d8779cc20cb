#pragma once
// WebSocket routes, without Beast: a handler that wants the connection answers with
// accept_websocket(); the transport then completes the handshake (101) and runs the
// WebSocketUpgrade's handler with the open connection. Only services/core/src/http/
// websocket_session.cpp includes Beast's websocket headers.
//
//   Awaited get_feed(http::Request& request) {
//     if (!http::is_websocket_upgrade(request)) throw Problem(426, ...);
//     co_return http::accept_websocket({"huicai.feed.v1", [](http::WebSocket& ws) -> ... });
//   }

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <huicai/core/http/message.hpp>
#include <string>
#include <string_view>

namespace huicai::http {

// One open WebSocket connection, as its handler sees it. Used on the connection's executor only
// (the one the handler runs on).
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  // Sends one text frame. At most one send at a time. An error means the connection is gone.
  virtual boost::asio::awaitable<boost::system::error_code> send_text(std::string_view text) = 0;
  // True until the peer closed, a send failed or abort() ran.
  virtual bool is_open() const = 0;
  // Called once when the connection ends from the other side (the peer closed, the keep-alive
  // ping went unanswered, the server stops), so a handler waiting for its own events wakes.
  virtual void on_closed(std::function<void()> callback) = 0;
  // The close frame sent when the handler returns (default 1000 normal closure).
  virtual void close_with(std::uint16_t code, std::string reason) = 0;
  // Drops the TCP connection at once: for a peer that stopped reading, to which a close frame
  // cannot be written any more (its receive window is full). A pending send fails.
  virtual void abort() = 0;
};

using WebSocketHandler = std::function<boost::asio::awaitable<void>(WebSocket&)>;

struct WebSocketUpgrade {
  // The subprotocol the server speaks; sent back in Sec-WebSocket-Protocol when the client
  // offered it (browsers refuse a handshake that echoes none of the offered ones).
  std::string subprotocol;
  WebSocketHandler handler;
  std::size_t max_incoming_message_bytes = 4096;
};

// "Upgrade: websocket" on a GET: the request asks for a WebSocket.
bool is_websocket_upgrade(const Request& request);

// Browsers cannot set Authorization on a WebSocket: they offer the access token as the
// subprotocol "huicai.bearer.<token>" next to the real one. The token, or "" when none.
std::string_view websocket_bearer_token(const Request& request);
inline constexpr std::string_view kWebSocketBearerPrefix = "huicai.bearer.";

// The answer that hands the connection to `upgrade.handler` once the handshake is done.
Response accept_websocket(WebSocketUpgrade upgrade);

}  // namespace huicai::http
