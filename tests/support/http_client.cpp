// Blocking on top of Beast's asynchronous operations: each call runs a private io_context until
// the operation completes, with the tcp_stream's deadline bounding it.
#include "http_client.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace huicai::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

std::string lower_case(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered;
}

// The API contract check (tests/contract) validates every answer the suite received against
// docs/openapi.yaml: each process appends one JSON line per exchange to a file of its own (ctest
// runs test processes side by side) in HUICAI_CONTRACT_LOG_DIR, by default the build's
// contract-log/ that the `contract_log_reset` fixture empties before the suite.
class ContractLog {
 public:
  static ContractLog& instance() {
    static ContractLog log;
    return log;
  }

  // The request's body and type too: the check proves each declared requestBody schema by the
  // bodies the server accepted, and fails a body sent to an operation that declares none.
  void record(std::string_view method, std::string_view target, std::string_view request_type,
              std::string_view request_body, const HttpResponse& response) {
    std::lock_guard lock(mutex_);
    if (!file_) return;
    boost::json::object line{{"method", method},
                             {"target", target},
                             {"status", response.status},
                             {"content_type", response.header("content-type")}};
    // Bodies the check validates are JSON; others (CSV, SVG, the reference page) are typed only.
    constexpr std::size_t kBodyLimit = 1024 * 1024;
    if (response.body.size() <= kBodyLimit) line["body"] = response.body;
    if (!request_body.empty() && request_body.size() <= kBodyLimit) {
      line["request_content_type"] = request_type;
      line["request_body"] = request_body;
    }
    const auto text = boost::json::serialize(line) + "\n";
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fflush(file_);
  }

 private:
  ContractLog() {
    const char* configured = std::getenv("HUICAI_CONTRACT_LOG_DIR");
    const std::string dir =
        configured ? configured : std::string(HUICAI_BINARY_DIR) + "/contract-log";
    if (dir.empty()) return;  // set to "" to record nothing
    const auto path = dir + "/responses-" + std::to_string(::getpid()) + ".jsonl";
    file_ = std::fopen(path.c_str(), "a");  // absent dir (no fixture ran): nothing recorded
  }
  ~ContractLog() {
    if (file_) std::fclose(file_);
  }

  std::mutex mutex_;
  std::FILE* file_ = nullptr;
};

}  // namespace

std::string HttpResponse::header(std::string_view lower_case_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_case_name) return value;
  }
  return {};
}

bool HttpResponse::has_header(std::string_view lower_case_name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return header.first == lower_case_name; });
}

boost::json::value HttpResponse::json() const {
  error_code error;
  auto value = boost::json::parse(body, error);
  if (error) {
    throw std::runtime_error("response body is not JSON (status " + std::to_string(status) +
                             "): " + body.substr(0, 500));
  }
  return value;
}

struct HttpClient::Impl {
  std::string host;
  std::uint16_t port;
  std::chrono::milliseconds timeout;
  asio::io_context io;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  HeaderList default_headers;
  std::string source_address;  // "" = the system's choice
  int connections_opened = 0;
  // When the connection last finished an exchange. The server closes keep-alive connections idle
  // for HUICAI_HTTP_IDLE_TIMEOUT_MS (30 s); a test that waits longer between requests (a slow
  // consumer under load) would write into a socket the server is closing and read "end of
  // stream". Like a browser, open a new connection instead of reusing one idle that long.
  std::chrono::steady_clock::time_point last_used{};
  static constexpr std::chrono::seconds kReuseIdleAtMost{20};

  // Runs the io_context until the started operation completes.
  void run() {
    io.restart();
    io.run();
  }

  void require_open() {
    const bool idle_too_long = std::chrono::steady_clock::now() - last_used > kReuseIdleAtMost;
    if (!stream || !stream->socket().is_open() || idle_too_long) connect();
  }

  void connect() {
    close();
    stream.emplace(io);
    buffer.clear();
    error_code result;
    tcp::endpoint endpoint(asio::ip::make_address(host), port);
    if (!source_address.empty()) {
      stream->socket().open(endpoint.protocol());
      stream->socket().bind(tcp::endpoint(asio::ip::make_address(source_address), 0));
    }
    stream->expires_after(timeout);
    stream->async_connect(endpoint, [&](error_code error) { result = error; });
    run();
    if (result) {
      stream.reset();
      throw std::runtime_error("connect to " + host + ":" + std::to_string(port) +
                               " failed: " + result.message());
    }
    stream->socket().set_option(tcp::no_delay(true));
    ++connections_opened;
  }

  void close() {
    if (stream) {
      error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream->socket().close(ignored);
      stream.reset();
    }
  }

  void write_bytes(std::string_view bytes) {
    require_open();
    error_code result;
    stream->expires_after(timeout);
    asio::async_write(*stream, asio::buffer(bytes.data(), bytes.size()),
                      [&](error_code error, std::size_t) { result = error; });
    run();
    if (result) throw std::runtime_error("send failed: " + result.message());
  }

  HttpResponse read(bool head_request) {
    if (!stream) throw std::runtime_error("read_response: not connected");
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head_request);
    error_code result;
    stream->expires_after(timeout);
    bhttp::async_read(*stream, buffer, parser,
                      [&](error_code error, std::size_t) { result = error; });
    run();
    if (result) {
      close();
      throw std::runtime_error("reading the response failed: " + result.message());
    }
    auto message = parser.release();
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.emplace_back(lower_case(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(message.body());
    response.keep_alive = message.keep_alive();
    last_used = std::chrono::steady_clock::now();
    if (!response.keep_alive) close();
    return response;
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() {
  impl_->close();
}

HttpResponse HttpClient::request(std::string_view method, std::string_view target, std::string body,
                                 const HeaderList& headers) {
  impl_->require_open();
  bhttp::request<bhttp::string_body> message;
  message.method_string(method);
  message.target(target);
  message.version(11);
  message.set(bhttp::field::host, impl_->host + ":" + std::to_string(impl_->port));
  for (const auto& [name, value] : impl_->default_headers) message.set(name, value);
  for (const auto& [name, value] : headers) message.set(name, value);
  if (!body.empty() && message.find(bhttp::field::content_type) == message.end()) {
    message.set(bhttp::field::content_type, "application/json");
  }
  message.body() = std::move(body);
  message.prepare_payload();

  error_code result;
  impl_->stream->expires_after(impl_->timeout);
  bhttp::async_write(*impl_->stream, message,
                     [&](error_code error, std::size_t) { result = error; });
  impl_->run();
  if (result) {
    impl_->close();
    throw std::runtime_error("sending " + std::string(method) + " " + std::string(target) +
                             " failed: " + result.message());
  }
  auto response = impl_->read(method == "HEAD");
  const auto request_type = message.find(bhttp::field::content_type) == message.end()
                                ? std::string_view{}
                                : std::string_view(message[bhttp::field::content_type]);
  ContractLog::instance().record(method, target, request_type, message.body(), response);
  return response;
}

void HttpClient::set_default_header(std::string lower_case_name, std::string value) {
  for (auto& [name, existing] : impl_->default_headers) {
    if (name == lower_case_name) {
      existing = std::move(value);
      return;
    }
  }
  impl_->default_headers.emplace_back(std::move(lower_case_name), std::move(value));
}

void HttpClient::send_raw(std::string_view bytes) {
  impl_->write_bytes(bytes);
}

HttpResponse HttpClient::read_response(bool head_request) {
  return impl_->read(head_request);
}

CloseState HttpClient::wait_for_close(std::chrono::milliseconds within) {
  if (!impl_->stream) return CloseState::closed;
  if (impl_->buffer.size() > 0) return CloseState::got_data;
  error_code result;
  std::size_t received = 0;
  impl_->stream->expires_after(within);
  impl_->stream->async_read_some(impl_->buffer.prepare(4096),
                                 [&](error_code error, std::size_t count) {
                                   result = error;
                                   received = count;
                                 });
  impl_->run();
  if (received > 0) {
    impl_->buffer.commit(received);
    return CloseState::got_data;
  }
  if (result == beast::error::timeout) {
    // The tcp_stream closes the socket on its timeout: this client's connection is gone.
    impl_->stream.reset();
    return CloseState::still_open;
  }
  impl_->close();
  return CloseState::closed;
}

void HttpClient::bind_source(std::string local_address) {
  impl_->close();
  impl_->source_address = std::move(local_address);
}

void HttpClient::connect() {
  impl_->connect();
}
void HttpClient::close() {
  impl_->close();
}
bool HttpClient::is_open() const {
  return impl_->stream && impl_->stream->socket().is_open();
}
int HttpClient::connections_opened() const {
  return impl_->connections_opened;
}

std::uint16_t HttpClient::local_port() const {
  if (!is_open()) return 0;
  error_code ignored;
  return impl_->stream->socket().local_endpoint(ignored).port();
}

}  // namespace huicai::test
