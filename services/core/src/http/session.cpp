// One HTTP/1.1 connection: one coroutine on the connection's executor (its own strand when the
// I/O loop runs on several threads). A fresh parser per message writes straight into the
// Request; one deadline per connection (connection_deadline.hpp) bounds every wait; a response
// is written at once when the socket takes it (the usual case) and only otherwise waited for.
// Error codes via as_tuple instead of exceptions. This file, request_parser.cpp and
// response_head.cpp are the only ones that include Beast.
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <huicai/core/log.hpp>
#include <optional>
#include <system_error>
#include <vector>

#include "http/connection_deadline.hpp"
#include "http/request_id.hpp"
#include "http/request_parser.hpp"
#include "http/response_head.hpp"
#include "http/server_state.hpp"
#include "http/url_decoding.hpp"
#include "http/websocket_session.hpp"

namespace huicai::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

constexpr auto kLingerTimeout = std::chrono::milliseconds(500);
constexpr std::size_t kLingerMaxBytes = 1024 * 1024;
constexpr std::size_t kReadSize = 4096;

enum class Phase { waiting, reading, handling, writing, websocket };

// A problem+json body for errors the session answers itself, before any route is known.
Response transport_problem(int status, std::string_view slug, std::string_view title,
                           std::string_view request_id) {
  Response response;
  response.status = status;
  response.body = "{\"type\":\"https://huicai.dev/problems/" + std::string(slug) +
                  "\",\"title\":\"" + std::string(title) +
                  "\",\"status\":" + std::to_string(status) + ",\"request_id\":\"" +
                  std::string(request_id) + "\"}";
  response.set_header("content-type", "application/problem+json");
  response.set_header("x-request-id", std::string(request_id));
  return response;
}

// The part of a two-buffer response that a partial write left unsent.
std::array<asio::const_buffer, 2> unsent_part(const std::array<asio::const_buffer, 2>& buffers,
                                              std::size_t written) {
  if (written < buffers[0].size()) return {buffers[0] + written, buffers[1]};
  return {asio::const_buffer(), buffers[1] + (written - buffers[0].size())};
}

// Every X-Forwarded-For header of the request, joined in order (a proxy may add its own line).
std::string forwarded_for(const Request& request) {
  std::string joined;
  for (const auto& [name, value] : request.headers) {
    if (name != "x-forwarded-for") continue;
    if (!joined.empty()) joined += ',';
    joined += value;
  }
  return joined;
}

bool is_parse_error(const error_code& error) {
  return error.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

// Writes a whole response: first without waiting (the socket buffer usually takes it all, and
// then no timer is touched), the rest as the client reads it. The timeout runs between two
// successive writes, not over the whole response (like nginx's send_timeout): a slow client
// that keeps reading a large response is not cut off, one that stops reading is.
asio::awaitable<error_code> send_response(tcp::socket& socket, ConnectionDeadline& deadline,
                                          std::chrono::milliseconds timeout,
                                          const std::string& head, std::string_view body) {
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                                  asio::buffer(body.data(), body.size())};
  const std::size_t total = head.size() + body.size();
  error_code error;
  std::size_t written = socket.write_some(buffers, error);
  if (error && error != asio::error::would_block) co_return error;
  if (error) written = 0;
  while (written < total) {
    deadline.expires_after(timeout);
    auto [write_error, count] = co_await socket.async_write_some(
        unsent_part(buffers, written), asio::as_tuple(asio::use_awaitable));
    if (write_error) co_return write_error;
    written += count;
  }
  co_return error_code{};
}

// Sends a body kept in a file (a large export) after its head, one chunk at a time, with the
// same timeout between writes. The file is a just-written temporary one, read from the page
// cache: a pread of one chunk does not hold the I/O thread noticeably.
asio::awaitable<error_code> send_file_body(tcp::socket& socket, ConnectionDeadline& deadline,
                                           std::chrono::milliseconds timeout,
                                           const BodyFile& file) {
  constexpr std::size_t kChunk = 64 * 1024;
  std::vector<char> chunk(kChunk);
  std::uint64_t offset = 0;
  while (offset < file.size()) {
    std::size_t count = 0;
    try {
      count = file.read_at(offset, chunk.data(), chunk.size());
    } catch (const std::system_error& failure) {
      co_return failure.code();  // the head is out: all we can do is close
    }
    if (count == 0) co_return asio::error::eof;  // the file shrank: cut the response short
    deadline.expires_after(timeout);
    auto [error, written] = co_await asio::async_write(socket, asio::buffer(chunk.data(), count),
                                                       asio::as_tuple(asio::use_awaitable));
    if (error) co_return error;
    offset += written;
  }
  co_return error_code{};
}

// Half-close and drain what the client is still sending (at most kLingerMaxBytes, for at most
// kLingerTimeout), so the kernel does not answer its unread bytes with a reset that would
// destroy our response before the client reads it; then close.
asio::awaitable<void> drain_and_close(tcp::socket& socket, ConnectionDeadline& deadline) {
  error_code error;
  socket.shutdown(tcp::socket::shutdown_send, error);
  if (!error) {
    std::size_t drained = 0;
    char scratch[4096];
    deadline.expires_after(kLingerTimeout);
    while (drained < kLingerMaxBytes) {
      auto [read_error, count] = co_await socket.async_read_some(
          asio::buffer(scratch), asio::as_tuple(asio::use_awaitable));
      if (read_error) break;
      drained += count;
    }
  }
  socket.close(error);
}

class Session : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<ServerState> state, tcp::socket socket)
      : state_(std::move(state)), socket_(std::move(socket)) {
    error_code ignored;
    const auto endpoint = socket_.remote_endpoint(ignored);
    remote_ = ignored ? std::string() : endpoint.address().to_string();
    // Writes are tried at once and only waited for when the socket buffer is full.
    socket_.non_blocking(true, ignored);
  }

  void interrupt(bool force) override {
    asio::post(socket_.get_executor(), [self = shared_from_this(), force] {
      // An open WebSocket has no request to finish: closing the socket ends it.
      if (force || self->phase_ == Phase::waiting || self->phase_ == Phase::websocket) {
        self->close_socket();
      }
    });
  }

  asio::awaitable<void> run() {
    deadline_.emplace(socket_.get_executor(), [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->close_socket();
    });
    const auto& options = state_->options;
    while (!state_->stopping) {
      phase_ = Phase::waiting;
      if (buffer_.size() == 0) {
        // Idle between requests: wait for the first byte under the idle timeout, so the read
        // timeout below only counts time spent receiving a started request.
        deadline_->expires_after(options.idle_timeout);
        auto [error, count] = co_await socket_.async_read_some(buffer_.prepare(kReadSize),
                                                               asio::as_tuple(asio::use_awaitable));
        if (error) break;  // idle timeout, peer closed, or stopping
        buffer_.commit(count);
      }

      phase_ = Phase::reading;
      Request request;
      RequestParser parser(request, options.header_limit, options.body_limit);
      const auto read_error = co_await read_request(parser);
      if (read_error) {
        if (is_parse_error(read_error) && read_error != bhttp::error::end_of_stream &&
            read_error != bhttp::error::partial_message) {
          co_await answer_bad_request(read_error);
        }
        break;
      }

      phase_ = Phase::handling;
      deadline_->clear();
      const unsigned version = parser.version();
      const bool client_keep_alive = parser.keep_alive();
      Response response;
      if (auto split = split_target(request.target)) {
        request.path = std::move(split->path);
        request.query = std::move(split->query);
        request.peer_address = remote_;
        request.remote_address =
            options.trusted_proxies.client_address(remote_, forwarded_for(request));
        ++state_->in_flight_requests;
        response = co_await call_handler(request);
        --state_->in_flight_requests;
        if (response.websocket && response.status == 101 && !state_->stopping) {
          // The route accepted a WebSocket: the connection is the handler's from now on.
          phase_ = Phase::websocket;
          co_await serve_websocket(socket_, request, *response.websocket);
          break;
        }
      } else {
        request.request_id = generate_request_id();
        response =
            transport_problem(400, "bad-request", "Malformed request target", request.request_id);
        log_transport_error(request.request_id, 400, "malformed request target");
      }

      // Stopping: this was an in-flight request; answer it, then close.
      const bool keep_alive = client_keep_alive && !state_->stopping;
      phase_ = Phase::writing;
      const auto wire =
          write_response_head(response, version, keep_alive, request.method == Method::head, head_);
      auto write_error =
          co_await send_response(socket_, *deadline_, options.read_timeout, head_, wire.body);
      if (!write_error && wire.file != nullptr) {
        write_error =
            co_await send_file_body(socket_, *deadline_, options.read_timeout, *wire.file);
      }
      if (write_error || !keep_alive) break;
    }
    co_await close_gracefully();
  }

 private:
  // Parses what the buffer holds and reads more until the request is complete. The read
  // timeout starts when the first byte of the request is in and more must be waited for: a
  // request that arrives whole (the common case) never touches the timer. Answers "Expect:
  // 100-continue" (curl sends it for bodies over 1 KiB and would otherwise pause a second).
  // Header and body limits are checked by the parser: a Content-Length over the body limit
  // fails right after the header.
  asio::awaitable<error_code> read_request(RequestParser& parser) {
    bool deadline_set = false;
    bool continue_sent = false;
    while (true) {
      if (buffer_.size() > 0) {
        error_code error;
        const auto used = parser.put(buffer_.data(), error);
        buffer_.consume(used);
        if (!error && parser.is_done()) co_return error_code{};
        if (error && error != bhttp::error::need_more) co_return error;
        if (!error && used > 0) continue;  // progress: parse what is left
      }
      if (!deadline_set) {
        deadline_->expires_after(state_->options.read_timeout);
        deadline_set = true;
      }
      if (parser.is_header_done() && parser.expects_continue() && !continue_sent) {
        continue_sent = true;
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [continue_error, continue_count] = co_await asio::async_write(
            socket_, asio::buffer(kContinue), asio::as_tuple(asio::use_awaitable));
        (void)continue_count;
        if (continue_error) co_return continue_error;
      }
      auto [read_error, count] = co_await socket_.async_read_some(
          buffer_.prepare(kReadSize), asio::as_tuple(asio::use_awaitable));
      if (read_error == asio::error::eof) co_return end_of_input(parser);
      if (read_error) co_return read_error;
      buffer_.commit(count);
    }
  }

  // The peer closed its side: a message that needs no more bytes is complete, anything else is
  // cut short.
  static error_code end_of_input(RequestParser& parser) {
    if (!parser.got_some()) return bhttp::error::end_of_stream;
    if (!parser.is_header_done()) return bhttp::error::partial_message;
    error_code error;
    parser.put_eof(error);
    if (error) return error;
    return parser.is_done() ? error_code{} : error_code(bhttp::error::partial_message);
  }

  asio::awaitable<Response> call_handler(Request& request) {
    // The dispatcher never throws; this guards a handler wired without one (tests, tools).
    try {
      co_return co_await state_->handler(request);
    } catch (const std::exception& error) {
      log::error("request handler threw", {{"error", error.what()}});
    }
    co_return transport_problem(
        500, "internal-error", "Internal server error",
        request.request_id.empty() ? generate_request_id() : request.request_id);
  }

  asio::awaitable<void> answer_bad_request(const error_code& error) {
    int status = 400;
    std::string_view slug = "bad-request";
    std::string_view title = "Malformed HTTP request";
    if (error == bhttp::error::body_limit) {
      status = 413;
      slug = "payload-too-large";
      title = "Request body too large";
    } else if (error == bhttp::error::header_limit) {
      status = 431;
      slug = "header-too-large";
      title = "Request header fields too large";
    }
    co_await answer_and_close(status, slug, title, error.message());
  }

  // Answers a request the session rejects itself; the caller closes the connection after.
  asio::awaitable<void> answer_and_close(int status, std::string_view slug, std::string_view title,
                                         std::string_view reason) {
    const auto request_id = generate_request_id();
    log_transport_error(request_id, status, reason);
    const auto response = transport_problem(status, slug, title, request_id);  // wire.body views it
    const auto wire = write_response_head(response, 11, false, false, head_);
    co_await send_response(socket_, *deadline_, state_->options.read_timeout, head_, wire.body);
  }

  void log_transport_error(const std::string& request_id, int status, std::string_view reason) {
    log::info("access", {{"request_id", request_id},
                         {"status", status},
                         {"error", reason},
                         {"remote", remote_},
                         {"route", "unparsed"}});
  }

  void close_socket() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  asio::awaitable<void> close_gracefully() {
    co_await drain_and_close(socket_, *deadline_);
    deadline_.reset();
  }

  std::shared_ptr<ServerState> state_;
  tcp::socket socket_;
  std::optional<ConnectionDeadline> deadline_;
  beast::flat_buffer buffer_;
  std::string head_;  // the response head being written; its capacity is kept for the next one
  std::string remote_;
  Phase phase_ = Phase::waiting;
};

// Keeps the open-connection count and registry right however the coroutine ends.
struct SessionRegistration {
  SessionRegistration(std::shared_ptr<ServerState> state, std::shared_ptr<Session> session,
                      std::string counted_address)
      : state_(std::move(state)),
        session_(std::move(session)),
        counted_address_(std::move(counted_address)) {
    state_->add(session_);
  }
  ~SessionRegistration() {
    state_->remove(session_);
    if (!counted_address_.empty()) state_->release_from(counted_address_);
    --state_->open_connections;
  }
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<Session> session_;
  std::string counted_address_;
};

asio::awaitable<void> run_session(std::shared_ptr<ServerState> state,
                                  std::shared_ptr<Session> session, std::string counted_address) {
  SessionRegistration registration(state, session, std::move(counted_address));
  try {
    co_await session->run();
  } catch (const std::exception& error) {
    log::error("http session failed", {{"error", error.what()}});
  }
}

asio::awaitable<void> write_overloaded(tcp::socket socket) {
  const auto request_id = generate_request_id();
  auto response = transport_problem(503, "overloaded", "Too many connections", request_id);
  response.set_header("retry-after", "1");
  std::string head;
  const auto wire = write_response_head(response, 11, false, false, head);
  // Closing the socket ends whichever wait is in progress.
  ConnectionDeadline deadline(socket.get_executor(), [&socket] {
    error_code ignored;
    socket.close(ignored);
  });
  error_code ignored;
  socket.non_blocking(true, ignored);
  co_await send_response(socket, deadline, std::chrono::seconds(2), head, wire.body);
  co_await drain_and_close(socket, deadline);
}

}  // namespace

void start_session(std::shared_ptr<ServerState> state, tcp::socket socket,
                   std::string counted_address) {
  ++state->open_connections;
  auto executor = socket.get_executor();
  auto session = std::make_shared<Session>(state, std::move(socket));
  asio::co_spawn(executor,
                 run_session(std::move(state), std::move(session), std::move(counted_address)),
                 asio::detached);
}

void reject_overloaded(std::shared_ptr<ServerState> state, tcp::socket socket,
                       std::string_view reason) {
  (void)state;
  error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  log::warn("connection rejected",
            {{"reason", reason}, {"remote", ignored ? std::string() : peer.address().to_string()}});
  auto executor = socket.get_executor();
  asio::co_spawn(executor, write_overloaded(std::move(socket)), asio::detached);
}

}  // namespace huicai::http
