// The listener: accepts connections, hands each to its own coroutine (session.cpp) on its own
// strand, or straight on the I/O loop when that runs on one thread, and stops gracefully.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/core/http/server.hpp>
#include <huicai/core/log.hpp>

#include "http/server_state.hpp"

namespace huicai::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> state) {
  auto backoff = std::chrono::milliseconds(10);
  while (!state->stopping) {
    // One thread needs no strand: a strand would only add a queue and a lock per handler.
    const asio::any_io_executor connection_executor =
        state->options.single_threaded ? asio::any_io_executor(state->io.get_executor())
                                       : asio::any_io_executor(asio::make_strand(state->io));
    auto [error, socket] = co_await state->acceptor.async_accept(
        connection_executor, asio::as_tuple(asio::use_awaitable));
    if (error) {
      if (state->stopping || error == asio::error::operation_aborted ||
          !state->acceptor.is_open()) {
        break;
      }
      // Out of file descriptors and the like: wait instead of spinning on the error.
      log::warn("accept failed", {{"error", error.message()}});
      asio::steady_timer timer(state->acceptor_strand, backoff);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
      continue;
    }
    backoff = std::chrono::milliseconds(10);
    if (state->stopping) {
      break;
    }
    ++state->accepted_connections;
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (state->open_connections.load() >= state->options.max_connections) {
      reject_overloaded(state, std::move(socket), "max_connections reached");
      continue;
    }
    const auto peer = socket.remote_endpoint(ignored);
    std::string counted_address;
    if (!ignored) {
      std::string address = peer.address().to_string();
      if (!state->options.trusted_proxies.contains(address)) {
        if (!state->admit_from(address)) {
          reject_overloaded(state, std::move(socket), "max_connections_per_ip reached");
          continue;
        }
        counted_address = std::move(address);
      }
    }
    start_session(state, std::move(socket), std::move(counted_address));
  }
}

// Waits until no connection is open or the deadline passes; true when all closed.
asio::awaitable<bool> wait_for_connections_to_close(
    const std::shared_ptr<ServerState>& state, std::chrono::steady_clock::time_point deadline) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  // Polling keeps sessions free of any callback into the stopper, whichever thread they run on.
  while (state->open_connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return state->open_connections.load() == 0;
}

}  // namespace

struct Server::Impl {
  std::shared_ptr<ServerState> state;
};

Server::Server(asio::io_context& io, ServerOptions options, RequestHandler handler)
    : impl_(std::make_shared<Impl>(
          Impl{std::make_shared<ServerState>(io, std::move(options), std::move(handler))})) {}

Server::~Server() {
  // The I/O loop has stopped by now (the Application stops it before destroying the server).
  impl_->state->stopping = true;
  boost::system::error_code ignored;
  impl_->state->acceptor.close(ignored);
}

void Server::start() {
  auto& state = *impl_->state;
  const tcp::endpoint endpoint(asio::ip::make_address(state.options.address), state.options.port);
  state.acceptor.open(endpoint.protocol());
  state.acceptor.set_option(tcp::acceptor::reuse_address(true));
  if (state.options.reuse_port) {
    using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
    state.acceptor.set_option(ReusePort(true));
  }
  state.acceptor.bind(endpoint);
  state.acceptor.listen(asio::socket_base::max_listen_connections);
  state.bound_port = state.acceptor.local_endpoint().port();
  asio::co_spawn(state.acceptor_strand, accept_loop(impl_->state), asio::detached);
}

std::uint16_t Server::port() const {
  return impl_->state->bound_port;
}

ServerStats Server::stats() const {
  const auto& state = *impl_->state;
  return ServerStats{state.open_connections.load(), state.accepted_connections.load(),
                     state.in_flight_requests.load()};
}

asio::awaitable<void> Server::shutdown() {
  auto state = impl_->state;
  if (state->stopping.exchange(true)) {
    co_return;
  }
  const auto deadline = std::chrono::steady_clock::now() + state->options.shutdown_deadline;
  asio::post(state->acceptor_strand, [state] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
  });
  log::info("http server stopping", {{"open_connections", state->open_connections.load()},
                                     {"in_flight_requests", state->in_flight_requests.load()}});
  state->interrupt_all(false);
  if (co_await wait_for_connections_to_close(state, deadline)) {
    log::info("http server drained");
    co_return;
  }
  log::warn("http server drain deadline passed, closing the rest",
            {{"open_connections", state->open_connections.load()}});
  state->interrupt_all(true);
  co_await wait_for_connections_to_close(
      state, std::chrono::steady_clock::now() + std::chrono::milliseconds(1000));
}

}  // namespace huicai::http
