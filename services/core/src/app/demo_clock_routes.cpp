// The development-only demo clock routes (demo_clock_routes.hpp), for the operator.
#include "app/demo_clock_routes.hpp"

#include <boost/json.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/business_clock.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/validation.hpp>

namespace huicai::app {
namespace {

namespace asio = boost::asio;
using Awaited = asio::awaitable<http::Response>;

struct ClockBody {
  std::int64_t offset_seconds = 0;
};
BOOST_DESCRIBE_STRUCT(ClockBody, (), (offset_seconds))

constexpr std::int64_t kMaxPastSeconds = 20LL * 366 * 24 * 3600;  // twenty years back

http::Response clock_state() {
  using namespace std::chrono;
  const auto offset = duration_cast<seconds>(business_clock::offset()).count();
  const auto now_us = duration_cast<microseconds>(business_clock::now().time_since_epoch()).count();
  return http::Response::json(
      200, boost::json::object{{"offset_seconds", offset}, {"now_unix_us", now_us}});
}

auth::AccessRule operator_rule() {
  return auth::AccessRule::roles({{auth::Role::operator_, auth::Scope::any}});
}

}  // namespace

void register_demo_clock_routes(Context& context, http::Router& router) {
  const bool one_process = context.config().http_workers <= 1;
  // PUT /v1/dev/clock {"offset_seconds": -N}: the business clock runs N seconds behind. Only
  // the past: an event from the future is refused by every consumer's envelope check.
  router.add({http::Method::put,
              "/v1/dev/clock",
              "core",
              operator_rule(),
              [one_process](http::Request& request) -> Awaited {
                if (!one_process) {
                  throw http::Problem(409, "demo-clock-needs-one-process", "One process only",
                                      "the demo clock moves one process's clock: run with "
                                      "HUICAI_HTTP_WORKERS=1");
                }
                const auto body = decode_json<ClockBody>(request.body);
                Validator check;
                check.require(body.offset_seconds <= 0 && body.offset_seconds >= -kMaxPastSeconds,
                              "offset_seconds", "must be between -20 years and 0 (the past only)");
                check.throw_if_any();
                business_clock::set_offset(std::chrono::seconds(body.offset_seconds));
                co_return clock_state();
              },
              {}});
  router.add({http::Method::get,
              "/v1/dev/clock",
              "core",
              operator_rule(),
              [](http::Request&) -> Awaited { co_return clock_state(); },
              {}});
  router.add({http::Method::delete_,
              "/v1/dev/clock",
              "core",
              operator_rule(),
              [](http::Request&) -> Awaited {
                business_clock::set_offset(std::chrono::microseconds(0));
                co_return clock_state();
              },
              {}});
}

}  // namespace huicai::app
