// The WebSocket half of a connection: Beast's websocket stream over the session's own socket.
// The handshake answers the request the dispatcher already authenticated and routed; a reader
// coroutine then reads (and drops) what the client sends, which is also what answers pings and
// the close handshake; the route's handler writes. Beast's own timeouts (handshake, idle with
// keep-alive pings) replace the HTTP connection deadline while the WebSocket is open.
#include "http/websocket_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <huicai/core/log.hpp>
#include <memory>

namespace huicai::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace websocket = boost::beast::websocket;
using asio::ip::tcp;
using boost::system::error_code;
using Stream = websocket::stream<tcp::socket&>;

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
// A peer silent this long is pinged half way through and dropped at the end.
constexpr auto kIdleTimeout = std::chrono::seconds(60);
// How long a close handshake may take before the socket is simply closed.
constexpr auto kCloseTimeout = std::chrono::seconds(5);

bool offers_subprotocol(const Request& request, std::string_view subprotocol) {
  if (subprotocol.empty()) return false;
  for (const auto& [name, value] : request.headers) {
    if (name != "sec-websocket-protocol") continue;
    std::string_view list = value;
    while (!list.empty()) {
      const auto comma = list.find(',');
      auto element = list.substr(0, comma);
      while (!element.empty() && element.front() == ' ') element.remove_prefix(1);
      while (!element.empty() && element.back() == ' ') element.remove_suffix(1);
      if (element == subprotocol) return true;
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return false;
}

class OpenWebSocket final : public WebSocket {
 public:
  explicit OpenWebSocket(Stream& stream) : stream_(stream) {}

  asio::awaitable<error_code> send_text(std::string_view text) override {
    if (!open_) co_return error_code(asio::error::not_connected);
    stream_.text(true);
    auto [error, count] = co_await stream_.async_write(asio::buffer(text.data(), text.size()),
                                                       asio::as_tuple(asio::use_awaitable));
    (void)count;
    if (error) ended();
    co_return error;
  }

  bool is_open() const override { return open_; }

  void on_closed(std::function<void()> callback) override { on_closed_ = std::move(callback); }

  void close_with(std::uint16_t code, std::string reason) override {
    close_reason_.code = code;
    close_reason_.reason = reason;
  }

  void abort() override {
    error_code ignored;
    stream_.next_layer().close(ignored);
    ended();
  }

  // The connection is over (read or write failed, or aborted): tells the handler once.
  void ended() {
    if (!open_) return;
    open_ = false;
    if (auto callback = std::move(on_closed_)) callback();
  }

  const websocket::close_reason& close_reason() const { return close_reason_; }

 private:
  Stream& stream_;
  bool open_ = true;
  std::function<void()> on_closed_;
  websocket::close_reason close_reason_{websocket::close_code::normal};
};

}  // namespace

asio::awaitable<void> serve_websocket(tcp::socket& socket, const Request& request,
                                      WebSocketUpgrade& upgrade) {
  bhttp::request<bhttp::empty_body> handshake{bhttp::verb::get, request.target, 11};
  for (const auto& [name, value] : request.headers) handshake.insert(name, value);

  Stream stream(socket);
  stream.set_option(websocket::stream_base::timeout{kHandshakeTimeout, kIdleTimeout, true});
  const bool echo_subprotocol = offers_subprotocol(request, upgrade.subprotocol);
  const std::string subprotocol = upgrade.subprotocol;
  stream.set_option(websocket::stream_base::decorator(
      [echo_subprotocol, subprotocol](websocket::response_type& response) {
        if (echo_subprotocol) response.set(bhttp::field::sec_websocket_protocol, subprotocol);
        response.set(bhttp::field::server, "huicai");
      }));
  stream.read_message_max(upgrade.max_incoming_message_bytes);
  auto [accept_error] =
      co_await stream.async_accept(handshake, asio::as_tuple(asio::use_awaitable));
  if (accept_error) {
    log::info("websocket handshake failed",
              {{"request_id", request.request_id}, {"error", accept_error.message()}});
    co_return;
  }

  OpenWebSocket connection(stream);
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer reader_done(executor, asio::steady_timer::time_point::max());
  bool reading = true;
  // Reads until the connection ends; incoming messages are not part of any feed and dropped.
  auto read_until_closed = [&]() -> asio::awaitable<void> {
    beast::flat_buffer buffer;
    for (;;) {
      auto [error, count] = co_await stream.async_read(buffer, asio::as_tuple(asio::use_awaitable));
      (void)count;
      if (error) break;
      buffer.consume(buffer.size());
    }
    connection.ended();
    reading = false;
    reader_done.cancel();
  };
  asio::co_spawn(executor, read_until_closed, asio::detached);

  try {
    co_await upgrade.handler(connection);
  } catch (const std::exception& error) {
    log::error("websocket handler threw",
               {{"request_id", request.request_id}, {"error", error.what()}});
    connection.close_with(1011, "internal error");
  }
  if (connection.is_open()) {
    auto [close_error] =
        co_await stream.async_close(connection.close_reason(), asio::as_tuple(asio::use_awaitable));
    if (close_error) connection.abort();
  }
  // The reader holds references into this frame: wait for it, closing the socket when the
  // peer does not finish the close handshake in time.
  if (reading) {
    reader_done.expires_after(kCloseTimeout);
    co_await reader_done.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (reading) {
    connection.abort();
    reader_done.expires_at(asio::steady_timer::time_point::max());
    co_await reader_done.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace huicai::http
