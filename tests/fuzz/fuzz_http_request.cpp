// libFuzzer: bytes from the network into the server's own RequestParser (Beast's basic_parser
// writing straight into a Request) with the server's limits (a new parser per message, as the
// server does on a keep-alive connection), then the parsed target through split_target and a
// Router with overlapping patterns. Must not crash, and the route
// match must be consistent with the method, the pattern and the allowed list.
//
// The first input byte picks the size of the chunks the bytes "arrive" in, so partial heads
// and bodies are exercised the way a slow client would send them.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstdint>
#include <cstdlib>
#include <huicai/core/config.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <string_view>

#include "http/request_parser.hpp"
#include "http/url_decoding.hpp"

namespace {

namespace bhttp = boost::beast::http;
using huicai::http::Method;

void require(bool condition) {
  if (!condition) {
    std::abort();
  }
}

boost::asio::awaitable<huicai::http::Response> never_called(huicai::http::Request&) {
  co_return huicai::http::Response{};
}

const huicai::http::Router& router() {
  static const huicai::http::Router instance = [] {
    huicai::http::Router result;
    const auto add = [&result](Method method, const char* pattern) {
      huicai::http::Route route{
          method, pattern, "fuzz", huicai::auth::AccessRule::public_route(), never_called, {}};
      result.add(std::move(route));
    };
    add(Method::get, "/");
    add(Method::get, "/healthz");
    add(Method::get, "/v1/orders");
    add(Method::post, "/v1/orders");
    add(Method::get, "/v1/orders/mine");
    add(Method::get, "/v1/orders/{order_id}");
    add(Method::delete_, "/v1/orders/{order_id}");
    add(Method::put, "/v1/orders/{order_id}/lines/{line_id}");
    add(Method::get, "/v1/counties/{county_id}/products/{product_id}");
    add(Method::post, "/v1/counties/{county_id}/products");
    return result;
  }();
  return instance;
}

std::size_t parameter_count(std::string_view pattern) {
  return static_cast<std::size_t>(std::count(pattern.begin(), pattern.end(), '{'));
}

void route(huicai::http::Request& request) {
  const auto split = huicai::http::split_target(request.target);
  if (!split) {
    return;  // the server answers 400 "Malformed request target"
  }
  request.path = split->path;
  request.query = split->query;
  for (const auto& [name, value] : request.headers) {
    // Field names arrive lower-cased, as handlers look them up.
    require(std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
  }
  for (std::string_view name : {"cursor", "limit", ""}) {
    try {
      (void)request.query_param(name);
    } catch (const huicai::http::Problem& problem) {
      require(problem.status() == 400);  // a bad %-escape: the client's mistake, answered 400
    }
  }
  (void)request.header("content-type");

  const auto match = router().match(request.method, request.path);
  if (match.route != nullptr) {
    require(match.route->method == request.method ||
            (request.method == Method::head && match.route->method == Method::get));
    require(match.allowed.empty());
    require(match.params.size() == parameter_count(match.route->pattern));
    for (const auto& [name, value] : match.params) {
      require(!name.empty() && !value.empty());
      require(value.find('/') == std::string::npos);
    }
  } else {
    require(match.params.empty());
    require(std::find(match.allowed.begin(), match.allowed.end(), request.method) ==
            match.allowed.end());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::size_t chunk = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  // The server's limits, from the same defaults it starts with.
  const huicai::Config config;

  // Keep-alive: messages one after the other on the same bytes, a new parser for each.
  for (int message_index = 0; message_index < 16 && !input.empty(); ++message_index) {
    huicai::http::Request request;
    huicai::http::RequestParser parser(request, config.http_header_limit,
                                       std::min<std::uint64_t>(config.http_body_limit, 64 * 1024));
    boost::beast::error_code error;
    std::size_t available = std::min(chunk, input.size());  // bytes "received" so far
    while (!parser.is_done()) {
      const std::size_t used = parser.put(boost::asio::buffer(input.data(), available), error);
      input.remove_prefix(used);
      available -= used;
      if (error == bhttp::error::need_more) {
        error = {};
        if (available == input.size()) {
          parser.put_eof(error);  // the peer closed: a message cut short is an error
          break;
        }
        available = std::min(available + chunk, input.size());
        continue;
      }
      if (error) {
        break;
      }
      if (used == 0 && !parser.is_done()) {
        // No progress without an error: only possible with nothing to give.
        if (available == input.size()) break;
        available = std::min(available + chunk, input.size());
      }
    }
    if (error || !parser.is_done()) {
      return 0;  // the server answers 400/413/431 and closes the connection
    }
    if (parser.content_length()) require(request.body.size() == *parser.content_length());
    route(request);
    if (!parser.keep_alive()) {
      return 0;
    }
  }
  return 0;
}
