// The tests' WebSocket client (websocket_client.hpp) on Beast's websocket stream.
#include "websocket_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace huicai::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

struct WebSocketClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> stream{io};
  websocket::response_type response;
  bool open = false;
  bool ended = false;
  bool timed_out = false;
};

WebSocketClient::WebSocketClient(const std::string& host, std::uint16_t port,
                                 const std::string& target,
                                 const std::vector<std::string>& subprotocols)
    : impl_(std::make_unique<Impl>()) {
  auto& stream = impl_->stream;
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(stream).connect(
      asio::ip::tcp::endpoint(asio::ip::make_address(host), port));
  std::string offered;
  for (const auto& subprotocol : subprotocols) {
    if (!offered.empty()) offered += ", ";
    offered += subprotocol;
  }
  stream.set_option(websocket::stream_base::decorator([offered](websocket::request_type& request) {
    if (!offered.empty()) request.set(beast::http::field::sec_websocket_protocol, offered);
  }));
  boost::system::error_code error;
  stream.handshake(impl_->response, host + ":" + std::to_string(port), target, error);
  beast::get_lowest_layer(stream).expires_never();
  impl_->open = !error;
}

WebSocketClient::~WebSocketClient() {
  if (impl_->open && !impl_->ended) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(impl_->stream).socket().close(ignored);
  }
}

bool WebSocketClient::open() const {
  return impl_->open && !impl_->ended;
}

int WebSocketClient::handshake_status() const {
  return static_cast<int>(impl_->response.result_int());
}

std::string WebSocketClient::accepted_subprotocol() const {
  return std::string(impl_->response[beast::http::field::sec_websocket_protocol]);
}

bool WebSocketClient::send(const std::string& text) {
  if (!open()) return false;
  boost::system::error_code error;
  impl_->stream.text(true);
  impl_->stream.write(asio::buffer(text), error);
  if (error) impl_->ended = true;
  return !error;
}

std::optional<std::string> WebSocketClient::read(std::chrono::milliseconds timeout) {
  if (!open()) return std::nullopt;
  beast::flat_buffer buffer;
  std::optional<boost::system::error_code> result;
  impl_->stream.async_read(
      buffer, [&result](boost::system::error_code error, std::size_t) { result = error; });
  impl_->io.restart();
  impl_->io.run_for(timeout);
  if (!result) {
    // No frame in time: a cancelled read leaves a websocket stream unusable, so the connection
    // is closed and later reads report nothing.
    beast::get_lowest_layer(impl_->stream).socket().cancel();
    impl_->io.restart();
    impl_->io.run();
    impl_->ended = true;
    impl_->timed_out = true;
    return std::nullopt;
  }
  if (*result) {
    impl_->ended = true;
    return std::nullopt;
  }
  return beast::buffers_to_string(buffer.data());
}

bool WebSocketClient::closed_by_server() const {
  return impl_->ended && !impl_->timed_out;
}

}  // namespace huicai::test
