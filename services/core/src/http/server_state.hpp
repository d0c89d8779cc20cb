#pragma once
// What the acceptor (server.cpp) and the connections (session.cpp) share. Asio only, no Beast.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <huicai/core/http/server.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace huicai::http {

// One open connection, as the server sees it when stopping.
class Connection {
 public:
  virtual ~Connection() = default;
  // Posted to the connection's own strand. Not forced: closes the connection only if it is
  // waiting for the next request (an in-flight request finishes and answers Connection: close).
  // Forced: closes it whatever it is doing (the drain deadline passed).
  virtual void interrupt(bool force) = 0;
};

struct ServerState {
  ServerState(boost::asio::io_context& io_context, ServerOptions server_options,
              RequestHandler request_handler)
      : io(io_context),
        options(std::move(server_options)),
        handler(std::move(request_handler)),
        acceptor_strand(boost::asio::make_strand(io_context)),
        acceptor(acceptor_strand) {}

  boost::asio::io_context& io;
  const ServerOptions options;
  const RequestHandler handler;
  boost::asio::strand<boost::asio::io_context::executor_type> acceptor_strand;
  boost::asio::ip::tcp::acceptor acceptor;
  std::uint16_t bound_port = 0;

  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> open_connections{0};
  std::atomic<std::uint64_t> accepted_connections{0};
  std::atomic<std::uint64_t> in_flight_requests{0};

  std::mutex connections_mutex;
  std::set<std::shared_ptr<Connection>> connections;
  // Open connections per peer address (trusted proxies are not counted), under its own lock.
  std::mutex per_address_mutex;
  std::unordered_map<std::string, std::size_t> connections_per_address;

  // Counts one more connection from `address`; false (nothing counted) when it holds the
  // most it may already.
  bool admit_from(const std::string& address) {
    std::lock_guard lock(per_address_mutex);
    auto& count = connections_per_address[address];
    if (count >= options.max_connections_per_ip) return false;
    ++count;
    return true;
  }
  void release_from(const std::string& address) {
    std::lock_guard lock(per_address_mutex);
    auto found = connections_per_address.find(address);
    if (found == connections_per_address.end()) return;
    if (--found->second == 0) connections_per_address.erase(found);
  }

  void add(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(connections_mutex);
    connections.insert(connection);
  }
  void remove(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(connections_mutex);
    connections.erase(connection);
  }
  void interrupt_all(bool force) {
    std::lock_guard lock(connections_mutex);
    for (const auto& connection : connections) connection->interrupt(force);
  }
};

// Runs one accepted connection to its end on the socket's own strand (session.cpp).
// `counted_address`: the peer address admit_from() counted it under ("" when not counted),
// released when the connection ends.
void start_session(std::shared_ptr<ServerState> state, boost::asio::ip::tcp::socket socket,
                   std::string counted_address);
// Answers 503 + Retry-After and closes, for connections beyond max_connections or
// max_connections_per_ip (session.cpp); `reason` goes to the log.
void reject_overloaded(std::shared_ptr<ServerState> state, boost::asio::ip::tcp::socket socket,
                       std::string_view reason);

}  // namespace huicai::http
