#pragma once
// Cross-origin requests from browsers (CORS, Fetch standard): an allow-list of origins from
// HUICAI_CORS_ORIGINS. A preflight (OPTIONS with Origin and Access-Control-Request-Method) is
// answered before routing and authentication: 204 with the path's methods and the headers a
// client sends (Authorization, Content-Type, Idempotency-Key, If-Match, ...) when the origin is
// listed; 403 without any CORS header otherwise, so the browser refuses. Other answers to a
// listed origin carry Access-Control-Allow-Origin and the headers a client may read; answers to
// any other origin carry no CORS header at all. Tokens travel in Authorization, not cookies:
// credentials are not allowed.

#include <huicai/core/http/message.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace huicai::http {

class Router;

class CorsPolicy {
 public:
  // `origins`: comma-separated exact origins ("https://shop.example.com,http://localhost:5173");
  // empty = no cross-origin access. Throws std::invalid_argument on an entry that is not
  // scheme://host[:port] (a path, a trailing slash or "*").
  explicit CorsPolicy(std::string_view origins);

  bool allows(std::string_view origin) const;
  // The answer to a preflight request, or nullopt when `request` is not one.
  std::optional<Response> preflight(const Request& request, const Router& router) const;
  // Adds the CORS headers of an ordinary answer (none unless the request's Origin is listed).
  void decorate(const Request& request, Response& response) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace huicai::http
