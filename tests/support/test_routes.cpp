#include "test_routes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <huicai/core/errors.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <iostream>
#include <stdexcept>

namespace huicai::test {
namespace {

namespace asio = boost::asio;
using http::Method;
using http::Request;
using http::Response;

asio::awaitable<Response> echo(Request& request) {
  co_return Response::json(200, boost::json::object{{"method", http::to_string(request.method)},
                                                    {"path", request.path},
                                                    {"query", request.query},
                                                    {"body_size", request.body.size()},
                                                    {"request_id", request.request_id},
                                                    {"remote_address", request.remote_address},
                                                    {"peer_address", request.peer_address}});
}

asio::awaitable<Response> slow(Request& request) {
  int milliseconds = 0;
  const auto text = request.query_param("ms").value_or("0");
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), milliseconds);
  if (error != std::errc{} || end != text.data() + text.size() || milliseconds < 0 ||
      milliseconds > 60'000) {
    throw http::Problem(400, "invalid-query", "ms must be 0..60000");
  }
  // The SIGTERM test waits for this line before it sends the signal.
  std::cout << "slow request started" << std::endl;
  asio::steady_timer timer(co_await asio::this_coro::executor,
                           std::chrono::milliseconds(milliseconds));
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return Response::json(200, boost::json::object{{"slept_ms", milliseconds}});
}

// A body of `count` bytes ("0123456789" repeated), for responses larger than a socket buffer.
asio::awaitable<Response> bytes(Request& request) {
  std::size_t count = 0;
  const auto text = request.query_param("count").value_or("0");
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc{} || end != text.data() + text.size() || count > 64 * 1024 * 1024) {
    throw http::Problem(400, "invalid-query", "count must be 0..67108864");
  }
  Response response;
  response.body.resize(count);
  for (std::size_t i = 0; i < count; ++i) response.body[i] = static_cast<char>('0' + i % 10);
  response.set_header("content-type", "text/plain");
  co_return response;
}

}  // namespace

void register_test_routes(app::Context&, http::Router& router) {
  const auto open = auth::AccessRule::public_route();
  router.add({Method::get, "/test/echo", "test", open, echo, {}});
  router.add({Method::post, "/test/echo", "test", open, echo, {}});
  router.add({Method::get, "/test/slow", "test", open, slow, {}});
  router.add({Method::get, "/test/bytes", "test", open, bytes, {}});
  router.add({Method::get,
              "/test/throw",
              "test",
              open,
              [](Request&) -> asio::awaitable<Response> {
                throw std::runtime_error("secret internal detail: table t_orders");
                co_return Response::empty(204);
              },
              {}});
  router.add({Method::get,
              "/test/unavailable",
              "test",
              open,
              [](Request&) -> asio::awaitable<Response> {
                throw ServiceUnavailable("mysql", "pool exhausted", 2);
                co_return Response::empty(204);
              },
              {}});
  router.add({Method::get,
              "/test/problem",
              "test",
              open,
              [](Request&) -> asio::awaitable<Response> {
                throw http::Problem(409, "conflict", "Conflict", "already done");
                co_return Response::empty(204);
              },
              {}});
  router.add({Method::get,
              "/test/private",
              "test",
              auth::AccessRule::roles({{auth::Role::operator_, auth::Scope::any}}),
              [](Request& request) -> asio::awaitable<Response> {
                co_return Response::json(
                    200, boost::json::object{{"account_id", request.caller().account_id}});
              },
              {}});
}

app::ServiceEntry test_service_entry() {
  return {"test", &register_test_routes, nullptr};
}

}  // namespace huicai::test
