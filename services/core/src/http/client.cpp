// Outgoing HTTP on Beast: resolve, connect, write, read, close; a tcp_stream deadline bounds
// each step (the remaining time of the one overall timeout).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <huicai/core/http/client.hpp>
#include <stdexcept>

namespace huicai::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct Target {
  std::string host;
  std::string port;
  std::string path;
};

Target parse_target(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || parsed->encoded_host().empty()) {
    throw std::invalid_argument("not an http:// URL: " + url);
  }
  Target target;
  target.host = std::string(parsed->encoded_host());
  target.port = parsed->has_port() ? std::string(parsed->port()) : "80";
  target.path = std::string(parsed->encoded_target());
  if (target.path.empty()) target.path = "/";
  return target;
}

bhttp::request<bhttp::string_body> make_message(const Target& target, OutgoingRequest& request) {
  bhttp::request<bhttp::string_body> message{bhttp::verb::post, target.path, 11};
  message.set(bhttp::field::host, target.host + ":" + target.port);
  message.set(bhttp::field::content_type, request.content_type);
  message.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = std::move(request.body);
  message.prepare_payload();
  return message;
}

}  // namespace

asio::awaitable<IncomingResponse> post(OutgoingRequest request) {
  const Target target = parse_target(request.url);
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;
  auto executor = co_await asio::this_coro::executor;

  asio::ip::tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(target.host, target.port, asio::use_awaitable);
  beast::tcp_stream stream(executor);
  stream.expires_at(deadline);
  co_await stream.async_connect(endpoints, asio::use_awaitable);

  auto message = make_message(target, request);
  stream.expires_at(deadline);
  co_await bhttp::async_write(stream, message, asio::use_awaitable);

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(1024 * 1024);
  stream.expires_at(deadline);
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);

  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  IncomingResponse response;
  response.status = static_cast<int>(parser.get().result_int());
  response.body = std::move(parser.get().body());
  co_return response;
}

}  // namespace huicai::http
