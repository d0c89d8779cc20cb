// One HTTP/1.1 connection: one coroutine on the connection's own strand. A fresh parser per
// message with the configured header and body limits, a deadline before every read and write,
// error codes via as_tuple instead of exceptions. This and server.cpp are the only files that
// include Beast.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <huicai/core/log.hpp>

#include "http/request_id.hpp"
#include "http/server_state.hpp"
#include "http/url_decoding.hpp"

namespace huicai::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

constexpr auto kLingerTimeout = std::chrono::milliseconds(500);
constexpr std::size_t kLingerMaxBytes = 1024 * 1024;

enum class Phase { waiting, reading, handling, writing };

std::string lower_case(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered;
}

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

// A Beast body that is either the response's own string or a string shared with a cache; the
// serializer reads it in place, so a cached page is never copied per response.
struct ResponseBody {
  struct value_type {
    std::string owned;
    std::shared_ptr<const std::string> shared;
    std::string_view view() const {
      return shared ? std::string_view(*shared) : std::string_view(owned);
    }
  };
  static std::uint64_t size(const value_type& body) { return body.view().size(); }

  class writer {
   public:
    using const_buffers_type = asio::const_buffer;
    template <bool isRequest, class Fields>
    writer(const bhttp::header<isRequest, Fields>&, const value_type& body) : body_(body) {}
    void init(boost::system::error_code& error) { error = {}; }
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::system::error_code& error) {
      error = {};
      const auto view = body_.view();
      return {{const_buffers_type(view.data(), view.size()), false}};
    }

   private:
    const value_type& body_;
  };
};

bhttp::response<ResponseBody> to_beast(Response&& response, unsigned version, bool keep_alive,
                                       bool head_request) {
  bhttp::response<ResponseBody> message;
  message.version(version);
  message.result(static_cast<unsigned>(response.status));
  for (auto& [name, value] : response.headers) {
    message.insert(name, value);
  }
  message.keep_alive(keep_alive);
  const bool no_body_allowed =
      response.status == 204 || response.status == 304 || response.status < 200;
  if (no_body_allowed) {
    message.erase(bhttp::field::content_length);
    return message;
  }
  message.body().owned = std::move(response.body);
  message.body().shared = std::move(response.shared_body);
  message.prepare_payload();
  if (head_request) {
    // HEAD: same headers as GET, Content-Length included, no body bytes.
    message.body() = {};
  }
  return message;
}

Request to_request(bhttp::request<bhttp::string_body>&& message, const std::string& remote,
                   bool& target_ok) {
  Request request;
  request.method = method_from_string(message.method_string());
  request.target = std::string(message.target());
  auto split = split_target(request.target);
  target_ok = split.has_value();
  if (split) {
    request.path = std::move(split->path);
    request.query = std::move(split->query);
  }
  request.headers.reserve(std::distance(message.begin(), message.end()));
  for (const auto& field : message) {
    request.headers.emplace_back(lower_case(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  return request;
}

bool is_parse_error(const error_code& error) {
  return error.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

class Session : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<ServerState> state, tcp::socket socket)
      : state_(std::move(state)), stream_(std::move(socket)) {
    error_code ignored;
    const auto endpoint = stream_.socket().remote_endpoint(ignored);
    remote_ = ignored ? std::string() : endpoint.address().to_string();
  }

  void interrupt(bool force) override {
    asio::post(stream_.get_executor(), [self = shared_from_this(), force] {
      if (force || self->phase_ == Phase::waiting) {
        error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.socket().close(ignored);
      }
    });
  }

  asio::awaitable<void> run() {
    const auto& options = state_->options;
    beast::flat_buffer buffer;
    while (!state_->stopping) {
      phase_ = Phase::waiting;
      if (buffer.size() == 0) {
        // Idle between requests: wait for the first byte under the idle timeout, so the read
        // timeout below only counts time spent receiving a started request.
        stream_.expires_after(options.idle_timeout);
        auto [error, count] = co_await stream_.async_read_some(buffer.prepare(4096),
                                                               asio::as_tuple(asio::use_awaitable));
        if (error) break;  // idle timeout, peer closed, or stopping
        buffer.commit(count);
      }

      phase_ = Phase::reading;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
      parser.body_limit(options.body_limit);
      stream_.expires_after(options.read_timeout);  // one deadline for the whole request
      const auto read_error = co_await read_request(buffer, parser);
      if (read_error) {
        if (is_parse_error(read_error) && read_error != bhttp::error::end_of_stream &&
            read_error != bhttp::error::partial_message) {
          co_await answer_bad_request(read_error);
        }
        break;
      }

      phase_ = Phase::handling;
      const unsigned version = parser.get().version();
      const bool client_keep_alive = parser.get().keep_alive();
      bool target_ok = true;
      Request request = to_request(parser.release(), remote_, target_ok);
      Response response;
      if (!target_ok) {
        request.request_id = generate_request_id();
        response =
            transport_problem(400, "bad-request", "Malformed request target", request.request_id);
        log_transport_error(request.request_id, 400, "malformed request target");
      } else {
        ++state_->in_flight_requests;
        response = co_await call_handler(request);
        --state_->in_flight_requests;
      }

      // Stopping: this was an in-flight request; answer it, then close.
      const bool keep_alive = client_keep_alive && !state_->stopping;
      phase_ = Phase::writing;
      auto message =
          to_beast(std::move(response), version, keep_alive, request.method == Method::head);
      stream_.expires_after(options.read_timeout);
      auto [write_error, write_count] =
          co_await bhttp::async_write(stream_, message, asio::as_tuple(asio::use_awaitable));
      (void)write_count;
      if (write_error || !keep_alive) break;
    }
    co_await close_gracefully();
  }

 private:
  // Reads the header, answers "Expect: 100-continue" (curl sends it for bodies over 1 KiB and
  // would otherwise pause a second), then reads the body. Limits are checked by the parser: a
  // Content-Length over the body limit fails right after the header.
  asio::awaitable<error_code> read_request(beast::flat_buffer& buffer,
                                           bhttp::request_parser<bhttp::string_body>& parser) {
    auto [header_error, header_count] = co_await bhttp::async_read_header(
        stream_, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)header_count;
    if (header_error) co_return header_error;
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue") && !parser.is_done()) {
      bhttp::response<bhttp::empty_body> proceed{bhttp::status::continue_, 11};
      auto [continue_error, continue_count] =
          co_await bhttp::async_write(stream_, proceed, asio::as_tuple(asio::use_awaitable));
      (void)continue_count;
      if (continue_error) co_return continue_error;
    }
    if (parser.is_done()) co_return error_code{};
    auto [body_error, body_count] =
        co_await bhttp::async_read(stream_, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)body_count;
    co_return body_error;
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
    auto message = to_beast(transport_problem(status, slug, title, request_id), 11, false, false);
    stream_.expires_after(state_->options.read_timeout);
    co_await bhttp::async_write(stream_, message, asio::as_tuple(asio::use_awaitable));
  }

  void log_transport_error(const std::string& request_id, int status, std::string_view reason) {
    log::info("access", {{"request_id", request_id},
                         {"status", status},
                         {"error", reason},
                         {"remote", remote_},
                         {"route", "unparsed"}});
  }

  // Half-close and drain what the client is still sending, so the kernel does not answer its
  // unread bytes with a reset that would destroy our response before the client reads it.
  asio::awaitable<void> close_gracefully() {
    error_code error;
    stream_.socket().shutdown(tcp::socket::shutdown_send, error);
    if (!error) {
      std::size_t drained = 0;
      char scratch[4096];
      stream_.expires_after(kLingerTimeout);
      while (drained < kLingerMaxBytes) {
        auto [read_error, count] = co_await stream_.async_read_some(
            asio::buffer(scratch), asio::as_tuple(asio::use_awaitable));
        if (read_error) break;
        drained += count;
      }
    }
    stream_.socket().close(error);
  }

  std::shared_ptr<ServerState> state_;
  beast::tcp_stream stream_;
  std::string remote_;
  Phase phase_ = Phase::waiting;
};

// Keeps the open-connection count and registry right however the coroutine ends.
struct SessionRegistration {
  SessionRegistration(std::shared_ptr<ServerState> state, std::shared_ptr<Session> session)
      : state_(std::move(state)), session_(std::move(session)) {
    state_->add(session_);
  }
  ~SessionRegistration() {
    state_->remove(session_);
    --state_->open_connections;
  }
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<Session> session_;
};

asio::awaitable<void> run_session(std::shared_ptr<ServerState> state,
                                  std::shared_ptr<Session> session) {
  SessionRegistration registration(state, session);
  try {
    co_await session->run();
  } catch (const std::exception& error) {
    log::error("http session failed", {{"error", error.what()}});
  }
}

asio::awaitable<void> write_overloaded(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  const auto request_id = generate_request_id();
  auto response = transport_problem(503, "overloaded", "Too many connections", request_id);
  response.set_header("retry-after", "1");
  auto message = to_beast(std::move(response), 11, false, false);
  stream.expires_after(std::chrono::seconds(2));
  co_await bhttp::async_write(stream, message, asio::as_tuple(asio::use_awaitable));
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.expires_after(kLingerTimeout);
  char scratch[4096];
  while (true) {
    auto [read_error, count] =
        co_await stream.async_read_some(asio::buffer(scratch), asio::as_tuple(asio::use_awaitable));
    if (read_error) break;
  }
  stream.socket().close(ignored);
}

}  // namespace

void start_session(std::shared_ptr<ServerState> state, tcp::socket socket) {
  ++state->open_connections;
  auto executor = socket.get_executor();
  auto session = std::make_shared<Session>(state, std::move(socket));
  asio::co_spawn(executor, run_session(std::move(state), std::move(session)), asio::detached);
}

void reject_overloaded(std::shared_ptr<ServerState> state, tcp::socket socket) {
  (void)state;
  log::warn("connection rejected: max_connections reached");
  auto executor = socket.get_executor();
  asio::co_spawn(executor, write_overloaded(std::move(socket)), asio::detached);
}

}  // namespace huicai::http
