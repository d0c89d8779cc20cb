// What the phases of aid_feed_bench share (bench_common.hpp).
#include "bench_common.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/config.hpp>

#include "../../integration/ordering/sandbox_signature.hpp"

namespace huicai::bench {

namespace http = beast::http;
using asio::as_tuple;
using asio::use_awaitable;

double Samples::percentile(double p) {
  if (values_.empty()) return 0.0;
  if (!sorted_) std::sort(values_.begin(), values_.end()), sorted_ = true;
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(values_.size() - 1) + 0.5);
  return values_[std::min(rank, values_.size() - 1)];
}

double Samples::max() {
  return percentile(1.0);
}

asio::awaitable<void> paced(double per_second, std::size_t count,
                            std::function<void(std::size_t)> send) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto start = Clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / per_second);
  for (std::size_t k = 0; k < count; ++k) {
    timer.expires_at(
        start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(k)));
    co_await timer.async_wait(as_tuple(use_awaitable));
    send(k);
  }
}

void run_to_end(asio::io_context& io, asio::awaitable<void> main) {
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(main), [&](std::exception_ptr error) {
    failure = error;
    io.stop();
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

asio::awaitable<bool> wait_until(std::function<bool()> done, std::chrono::milliseconds limit) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() >= deadline) co_return false;
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(as_tuple(use_awaitable));
  }
  co_return true;
}

asio::ip::tcp::endpoint local(std::uint16_t port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

asio::awaitable<HttpReply> exchange(beast::tcp_stream& stream,
                                    http::request<http::string_body> request) {
  HttpReply reply;
  request.prepare_payload();
  stream.expires_after(std::chrono::seconds(30));
  auto [write_error, written] =
      co_await http::async_write(stream, request, as_tuple(use_awaitable));
  if (write_error) {
    reply.error = write_error;
    co_return reply;
  }
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  auto [read_error, read] =
      co_await http::async_read(stream, buffer, response, as_tuple(use_awaitable));
  stream.expires_never();
  if (read_error) {
    reply.error = read_error;
    co_return reply;
  }
  reply.status = response.result_int();
  reply.body = std::move(response.body());
  reply.keep_alive = response.keep_alive();
  co_return reply;
}

http::request<http::string_body> json_post(const std::string& target, std::string body) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  return request;
}

std::string token_for(std::uint64_t account_id, auth::Role role) {
  static const Config config = Config::from_environment();
  static const auth::TokenService tokens(config);
  auth::Principal principal;
  principal.account_id = account_id;
  principal.login = "bench" + std::to_string(account_id);
  principal.roles = {role};
  return tokens.issue_access(principal).token;
}

std::string sandbox_signature(const std::string& body) {
  static const std::string secret = Config::from_environment().payment_sandbox_secret;
  return test::sandbox_signature(body, secret);
}

}  // namespace huicai::bench
