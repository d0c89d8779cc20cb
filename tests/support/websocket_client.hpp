#pragma once
// A blocking WebSocket client for tests (Beast stays in websocket_client.cpp): opens a
// connection offering subprotocols, reports the handshake's HTTP status when the server
// refuses, sends text frames and reads them with a deadline.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace huicai::test {

class WebSocketClient {
 public:
  // Connects and performs the handshake for `target`, offering `subprotocols`.
  WebSocketClient(const std::string& host, std::uint16_t port, const std::string& target,
                  const std::vector<std::string>& subprotocols);
  ~WebSocketClient();

  bool open() const;
  // The HTTP status of the handshake's answer (101 when open).
  int handshake_status() const;
  std::string accepted_subprotocol() const;
  // Sends one text frame (blocking); false when the connection is not open or the write failed.
  bool send(const std::string& text);
  // The next text frame, or nullopt when none arrives in time or the connection ended.
  std::optional<std::string> read(std::chrono::milliseconds timeout);
  // True once the server has ended the connection (a read failed with anything but a timeout).
  bool closed_by_server() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace huicai::test
