#pragma once
// The HTTP/1.1 server. Beast lives only in src/http/server.cpp and session.cpp; this header
// shows plain types. One coroutine per connection (on its own strand unless the I/O loop runs on
// one thread); a fresh parser per message with header and body limits; one deadline per
// connection bounding every wait.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/trusted_proxies.hpp>
#include <memory>
#include <string>

namespace huicai::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port; see Server::port()
  std::size_t header_limit = 8 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds read_timeout{10'000};  // a started request must arrive in this time
  std::chrono::milliseconds idle_timeout{30'000};  // a keep-alive connection may idle this long
  std::chrono::milliseconds shutdown_deadline{10'000};
  std::size_t max_connections = 10'000;
  // Open connections one peer address may hold; beyond it a connection gets 503 and is closed.
  // Trusted proxies are exempt (every client behind them shares their address).
  std::size_t max_connections_per_ip = 256;
  // Peers whose X-Forwarded-For names the client (Request::remote_address).
  TrustedProxies trusted_proxies;
  bool reuse_port = false;  // several processes accept on the same port (worker processes)
  // The io_context runs on exactly one thread: connections run on it directly, without strands.
  bool single_threaded = false;
};

// Turns a parsed request into a response; never throws (the Dispatcher catches everything).
using RequestHandler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct ServerStats {
  std::uint64_t open_connections = 0;
  std::uint64_t accepted_connections = 0;
  std::uint64_t in_flight_requests = 0;
};

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, RequestHandler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();                // binds and starts accepting; throws on bind failure
  std::uint16_t port() const;  // the bound port
  ServerStats stats() const;
  // Graceful stop: close the acceptor, close idle connections, let in-flight requests finish
  // (answered with Connection: close), then force-close whatever is left at the deadline.
  boost::asio::awaitable<void> shutdown();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace huicai::http
