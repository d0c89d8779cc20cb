#include "app/health_routes.hpp"

#include <sodium.h>
#include <unistd.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/http/dispatcher.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/log.hpp>
#include <huicai/core/metrics.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/redis/client.hpp>

namespace huicai::app {
namespace {

namespace asio = boost::asio;

// Each check answers with the failure's cause, or an empty string when the dependency is fine.
asio::awaitable<std::string> check_mysql(mysql::Pool& pool) {
  std::string failure;
  try {
    if (!co_await pool.ping()) failure = "SELECT 1 failed";
  } catch (const std::exception& error) {
    failure = error.what();
  }
  co_return failure;
}

asio::awaitable<std::string> check_redis(redis::Client& client) {
  // Built outside the co_await: GCC 12 miscompiles a braced list of literals in a coroutine.
  std::vector<std::string> ping{std::string("PING")};
  auto reply = co_await client.command(std::move(ping));
  if (!reply) co_return reply.error().message();
  if (reply->is_error()) co_return reply->text;
  co_return std::string{};
}

http::Response metrics_text(Context& context) {
  http::Response response;
  response.body = context.metrics().render();
  response.set_header("content-type", "text/plain; version=0.0.4; charset=utf-8");
  return response;
}

// True when `authorization` carries exactly the configured metrics token (never when none is
// configured). Compared in constant time.
bool presents_metrics_token(const Config& config, std::string_view authorization) {
  const auto token = http::bearer_token(authorization);
  const std::string& expected = config.metrics_token;
  return !expected.empty() && token.size() == expected.size() &&
         sodium_memcmp(token.data(), expected.data(), expected.size()) == 0;
}

asio::awaitable<http::Response> metrics_on_api_port(Context& context, http::Request& request) {
  if (!presents_metrics_token(context.config(), request.header("authorization"))) {
    // The same answer as a path that does not exist: nothing to learn from probing it.
    throw http::Problem(404, "not-found", "Not found", "no route for this path");
  }
  co_return metrics_text(context);
}

asio::awaitable<http::Response> metrics_on_own_listener(Context& context, http::Request&) {
  co_return metrics_text(context);
}

}  // namespace

void register_metrics_listener_routes(Context& context, http::Router& router) {
  router.add({http::Method::get,
              "/metrics",
              "core",
              auth::AccessRule::public_route(),
              [&context](http::Request& r) { return metrics_on_own_listener(context, r); },
              {}});
}

void register_health_routes(Context& context, http::Router& router) {
  router.add(http::Route{http::Method::get,
                         "/healthz",
                         "core",
                         auth::AccessRule::public_route(),
                         [](http::Request&) -> asio::awaitable<http::Response> {
                           // The pid tells which worker process answered (HUICAI_HTTP_WORKERS > 1).
                           co_return http::Response::json(
                               200, boost::json::object{{"status", "ok"}, {"pid", ::getpid()}});
                         },
                         {}});

  router.add(http::Route{
      http::Method::get,
      "/readyz",
      "core",
      auth::AccessRule::public_route(),
      [&context](http::Request& request) -> asio::awaitable<http::Response> {
        const auto mysql_failure = co_await check_mysql(context.db());
        const auto redis_failure = co_await check_redis(context.redis());
        if (mysql_failure.empty() && redis_failure.empty()) {
          co_return http::Response::json(
              200, boost::json::object{{"status", "ready"}, {"mysql", "ok"}, {"redis", "ok"}});
        }
        boost::json::array failing;
        boost::json::object causes;
        if (!mysql_failure.empty()) {
          failing.push_back("mysql");
          causes["mysql"] = mysql_failure;
        }
        if (!redis_failure.empty()) {
          failing.push_back("redis");
          causes["redis"] = redis_failure;
        }
        log::warn("not ready", {{"request_id", request.request_id}, {"causes", causes}});
        std::string names;
        for (const auto& name : failing) {
          if (!names.empty()) names += " and ";
          names += name.as_string().c_str();
        }
        co_return http::Problem(503, "not-ready", "Not ready", names + " not answering")
            .with("failing", failing)
            .with_header("retry-after", "1")
            .to_response(request.path, request.request_id);
      },
      {}});

  // Public to the dispatcher (the token is not a user's); the handler checks the metrics token.
  router.add({http::Method::get,
              "/metrics",
              "core",
              auth::AccessRule::public_route(),
              [&context](http::Request& r) { return metrics_on_api_port(context, r); },
              {}});
}

}  // namespace huicai::app
