#pragma once
// The WebSocket half of a connection (websocket_session.cpp, the one file with Beast's
// websocket headers): the handshake answering `request`, then the upgrade's handler.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/websocket.hpp>

namespace huicai::http {

// Runs until the WebSocket connection ends (the handler returned, the peer closed, or the
// socket was closed under it: how the server stops one); the caller closes the socket after.
boost::asio::awaitable<void> serve_websocket(boost::asio::ip::tcp::socket& socket,
                                             const Request& request, WebSocketUpgrade& upgrade);

}  // namespace huicai::http
