// The request pipeline between the transport and a handler. No Beast: this file sees only the
// plain message structs, so it compiles as fast as a handler.
#include <algorithm>
#include <chrono>
#include <exception>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/errors.hpp>
#include <huicai/core/http/cors.hpp>
#include <huicai/core/http/dispatcher.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/websocket.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/metrics.hpp>
#include <mutex>
#include <unordered_map>

#include "http/request_id.hpp"

namespace huicai::http {
namespace {

using Clock = std::chrono::steady_clock;

std::string allow_header(const std::vector<Method>& methods) {
  std::string text;
  for (auto method : methods) {
    if (!text.empty()) text += ", ";
    text += to_string(method);
  }
  return text;
}

std::string rate_limit_key(const Route& route, const Request& request) {
  std::string key = route.service;
  key += ':';
  key += to_string(route.method);
  key += ' ';
  key += route.pattern;
  key += ':';
  if (request.principal) {
    key += "account:" + std::to_string(request.principal->account_id);
  } else {
    key += "ip:" + request.remote_address;
  }
  return key;
}

}  // namespace

std::string_view bearer_token(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  }
  auto token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return token;
}

struct Dispatcher::MetricCells {
  struct Requests {
    Method method;
    int status;
    metrics::Counter* counter;
  };
  struct PerRoute {
    metrics::Histogram* duration = nullptr;
    std::vector<Requests> requests;  // a handful per route: a scan beats a hash
  };
  // Held only for a lookup; the cells themselves are updated lock-free after it.
  std::mutex mutex;
  // Keyed by address: the router's routes are fixed once serving starts. Null: unmatched.
  std::unordered_map<const Route*, PerRoute> routes;
};

Dispatcher::~Dispatcher() = default;

void Dispatcher::record(const Route* route, Method method, int status, double seconds) {
  metrics::Counter* requests = nullptr;
  metrics::Histogram* duration = nullptr;
  {
    std::lock_guard lock(cells_->mutex);
    auto& per_route = cells_->routes[route];
    for (const auto& known : per_route.requests) {
      if (known.method == method && known.status == status) {
        requests = known.counter;
        break;
      }
    }
    duration = per_route.duration;
    if (!requests || !duration) {
      // The first request of its kind names its series; every later one reuses the cells.
      const std::string service = route ? route->service : "";
      const std::string pattern = route ? route->pattern : "unmatched";
      if (!duration) {
        duration = &metrics_->histogram("huicai_http_request_duration_seconds",
                                        {{"service", service}, {"route", pattern}});
        per_route.duration = duration;
      }
      if (!requests) {
        requests = &metrics_->counter("huicai_http_requests_total",
                                      {{"service", service},
                                       {"route", pattern},
                                       {"method", std::string(to_string(method))},
                                       {"status", std::to_string(status)}});
        per_route.requests.push_back({method, status, requests});
      }
    }
  }
  requests->increment();
  duration->observe(seconds);
}

Dispatcher::Dispatcher(const Router& router, TokenVerifier* verifier, RateLimiter* limiter,
                       metrics::Registry* metrics, bool access_log, const CorsPolicy* cors)
    : cells_(std::make_unique<MetricCells>()),
      router_(router),
      verifier_(verifier),
      limiter_(limiter),
      metrics_(metrics),
      access_log_(access_log),
      cors_(cors) {
  if (metrics_) {
    metrics_->describe("huicai_http_requests_total", "HTTP requests by route pattern and status",
                       "counter");
    metrics_->describe("huicai_http_request_duration_seconds",
                       "HTTP request latency by route pattern", "histogram");
  }
}

boost::asio::awaitable<Response> Dispatcher::handle(Request& request) {
  const auto started = Clock::now();
  const auto client_id = request.header("x-request-id");
  request.request_id =
      is_sane_request_id(client_id) ? std::string(client_id) : generate_request_id();

  const Route* route = nullptr;
  Response response;
  // A browser's preflight asks whether it may send the real request: answered before routing
  // and authentication (it carries no token).
  if (cors_) {
    if (auto preflight = cors_->preflight(request, router_)) {
      response = std::move(*preflight);
      finish(request, route, response, started);
      co_return response;
    }
  }
  // co_await is not allowed inside a catch block: remember the outcome and build it after.
  std::exception_ptr failure;
  try {
    auto match = router_.match(request.method, request.path);
    if (!match.route) {
      if (match.allowed.empty()) {
        throw Problem(404, "not-found", "Not found", "no route for this path");
      }
      throw Problem(405, "method-not-allowed", "Method not allowed",
                    std::string(to_string(request.method)) + " is not allowed here")
          .with_header("allow", allow_header(match.allowed));
    }
    route = match.route;
    request.path_params = std::move(match.params);
    request.rule = &route->rule;

    if (!route->rule.is_public) {
      auto token = bearer_token(request.header("authorization"));
      // A browser's WebSocket cannot send Authorization: it offers the token as a subprotocol.
      if (token.empty()) token = websocket_bearer_token(request);
      if (token.empty()) {
        throw Problem(401, "unauthenticated", "Authentication required",
                      "send Authorization: Bearer <token> (a WebSocket: offer the subprotocol "
                      "huicai.bearer.<token>)")
            .with_header("www-authenticate", "Bearer realm=\"huicai\"");
      }
      if (!verifier_) {
        throw ServiceUnavailable("tokens", "no token verifier configured");
      }
      auto principal = co_await verifier_->verify(token);
      if (!principal) {
        if (principal.error() == auth::make_error_code(auth::TokenError::unavailable)) {
          throw ServiceUnavailable("tokens", "token revocation list unavailable");
        }
        throw Problem(401, "invalid-token", "Invalid token",
                      "the bearer token is " + principal.error().message())
            .with_header("www-authenticate", "Bearer realm=\"huicai\", error=\"invalid_token\"");
      }
      request.principal = std::move(*principal);
      if (!request.principal->allowed_by(route->rule)) {
        throw Problem(403, "forbidden", "Forbidden",
                      "none of the caller's roles may use this route");
      }
      if (request.principal->mfa_enrolment_only && !route->rule.admits_enrolment_only) {
        throw Problem(403, "mfa-enrolment-required", "Second factor required",
                      "this account must enrol a second factor (POST /v1/me/mfa/totp) and sign "
                      "in with a code before using this route");
      }
    }

    if (limiter_ && route->rate_limit.requests > 0) {
      const auto wait = co_await limiter_->hit(rate_limit_key(*route, request), route->rate_limit);
      if (wait) {
        const auto seconds = std::max<long long>(1, wait->count());
        throw Problem(429, "rate-limited", "Too many requests", "retry after the given seconds")
            .with_header("retry-after", std::to_string(seconds));
      }
    }

    response = co_await route->handler(request);
  } catch (...) {
    failure = std::current_exception();
  }

  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const Problem& problem) {
      response = problem.to_response(request.path, request.request_id);
    } catch (const ServiceUnavailable& unavailable) {
      log::warn("dependency unavailable", {{"request_id", request.request_id},
                                           {"dependency", unavailable.dependency()},
                                           {"error", unavailable.what()}});
      response = Problem(503, "service-unavailable", "Service unavailable",
                         unavailable.dependency() + " is unavailable, retry later")
                     .with("dependency", boost::json::string(unavailable.dependency()))
                     .with_header("retry-after",
                                  std::to_string(std::max(1, unavailable.retry_after_seconds())))
                     .to_response(request.path, request.request_id);
    } catch (const std::exception& error) {
      // The client gets no details: they may hold SQL or internal names.
      log::error("unhandled exception in handler",
                 {{"request_id", request.request_id}, {"error", error.what()}});
      response = Problem(500, "internal-error", "Internal server error",
                         "the error was logged with this request id")
                     .to_response(request.path, request.request_id);
    } catch (...) {
      log::error("unhandled non-standard exception in handler",
                 {{"request_id", request.request_id}});
      response = Problem(500, "internal-error", "Internal server error",
                         "the error was logged with this request id")
                     .to_response(request.path, request.request_id);
    }
  }

  finish(request, route, response, started);
  co_return response;
}

void Dispatcher::finish(const Request& request, const Route* route, Response& response,
                        std::chrono::steady_clock::time_point started) {
  if ((!response.body.empty() || response.shared_body) &&
      response.headers.end() ==
          std::find_if(response.headers.begin(), response.headers.end(),
                       [](const auto& header) { return header.first == "content-type"; })) {
    response.set_header("content-type", "application/json");
  }
  response.set_header("x-request-id", request.request_id);
  // Tokens, orders, accounts: most answers are someone's own and must not be kept by a browser
  // or a shared cache. A handler that means otherwise says so; an answer with an ETag is meant
  // to be revalidated (catalog pages), so it may be kept by the client only: private, no-cache.
  const auto has_header = [&response](std::string_view name) {
    return std::any_of(response.headers.begin(), response.headers.end(),
                       [name](const auto& header) { return header.first == name; });
  };
  if (!has_header("cache-control")) {
    response.set_header("cache-control", has_header("etag") ? "private, no-cache" : "no-store");
  }
  // A browser must not guess a type other than the declared one (a JSON body as HTML), nor tell
  // other sites which API URL (ids, cursors) a user came from.
  response.set_header("x-content-type-options", "nosniff");
  if (!has_header("referrer-policy")) response.set_header("referrer-policy", "no-referrer");
  if (cors_) cors_->decorate(request, response);

  const auto elapsed_time = Clock::now() - started;
  const auto elapsed = std::chrono::duration<double>(elapsed_time).count();
  if (metrics_) record(route, request.method, response.status, elapsed);
  if (access_log_) {
    const std::string_view route_label = route ? std::string_view(route->pattern) : "unmatched";
    boost::json::object fields{
        {"request_id", request.request_id},
        {"method", to_string(request.method)},
        {"path", request.path},
        {"route", route_label},
        {"status", response.status},
        {"duration_us",
         std::chrono::duration_cast<std::chrono::microseconds>(elapsed_time).count()},
        {"remote", request.remote_address}};
    if (request.principal) fields["account_id"] = request.principal->account_id;
    log::info("access", std::move(fields));
  }
}

}  // namespace huicai::http
