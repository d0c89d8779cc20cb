#pragma once
// Everything between the transport and a handler, in order: request id, CORS preflight (answered
// here when a CorsPolicy is given), route match (404/405),
// token check (401), role check (403), per-route rate limit (429), handler, error mapping
// (Problem -> problem+json, ServiceUnavailable -> 503 + Retry-After, anything else -> 500
// without details), Cache-Control (no-store; private, no-cache with an ETag) unless the handler
// chose a policy, X-Content-Type-Options and Referrer-Policy, CORS headers for a listed origin,
// metrics and the JSON access log line.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/http/router.hpp>
#include <memory>
#include <string>

namespace huicai::metrics {
class Registry;
}

namespace huicai::http {

// Verifies a bearer token. Implemented in core/auth (HMAC tokens + Redis revocation list).
class TokenVerifier {
 public:
  virtual ~TokenVerifier() = default;
  // An error (any) means 401; the verifier decides between expired, forged and revoked.
  virtual boost::asio::awaitable<boost::system::result<auth::Principal>> verify(
      std::string_view bearer_token) = 0;
};

// Counts requests per key in a window. Implemented over Redis in core; returns how long to
// wait when the limit is reached.
class CorsPolicy;

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  virtual boost::asio::awaitable<std::optional<std::chrono::seconds>> hit(
      const std::string& key, const RateLimit& limit) = 0;
};

// The token of "Authorization: Bearer <token>" (scheme case-insensitive, RFC 9110 11.1); empty
// when absent or another scheme.
std::string_view bearer_token(std::string_view authorization);

class Dispatcher {
 public:
  Dispatcher(const Router& router, TokenVerifier* verifier, RateLimiter* limiter,
             metrics::Registry* metrics, bool access_log, const CorsPolicy* cors = nullptr);
  ~Dispatcher();
  // May be called from several threads at once.
  boost::asio::awaitable<Response> handle(Request& request);

 private:
  // The metric cells of each (route, method, status) seen, so a request touches no labels.
  struct MetricCells;
  void record(const Route* route, Method method, int status, double seconds);
  // Headers every answer gets, metrics and the access log line.
  void finish(const Request& request, const Route* route, Response& response,
              std::chrono::steady_clock::time_point started);

  std::unique_ptr<MetricCells> cells_;
  const Router& router_;
  TokenVerifier* verifier_;
  RateLimiter* limiter_;
  metrics::Registry* metrics_;
  bool access_log_;
  const CorsPolicy* cors_;
};

}  // namespace huicai::http
