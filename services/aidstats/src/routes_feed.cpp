// The live feed route: GET /v1/aid-totals/feed upgrades to a WebSocket (subprotocol
// huicai.aid-totals.v1; the token as the subprotocol huicai.bearer.<token>, since browsers
// cannot send Authorization on a WebSocket). The same roles as reading the totals.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/http/websocket.hpp>

#include "feed.hpp"
#include "routes.hpp"

namespace huicai::aidstats {
namespace {

using auth::Role;
using auth::Scope;
namespace asio = boost::asio;
using Awaited = asio::awaitable<http::Response>;

constexpr std::string_view kFeedSubprotocol = "huicai.aid-totals.v1";

auth::AccessRule feed_rule() {
  return auth::AccessRule::roles(
      {{Role::finance, Scope::any}, {Role::auditor, Scope::any}, {Role::operator_, Scope::any}});
}

// One subscriber's writer: a snapshot first, then every update the hub has for it, one frame
// at a time; ends when the peer goes or the hub drops it as too slow.
asio::awaitable<void> serve_subscriber(app::Context& context, std::shared_ptr<FeedHub> hub,
                                       http::WebSocket& socket) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer wake(executor, asio::steady_timer::time_point::max());
  // The hub calls these from whichever thread publishes: they hop onto the connection's
  // executor, where `alive` says whether this frame (the timer, the socket) still exists.
  auto alive = std::make_shared<bool>(true);
  auto subscriber = hub->subscribe(
      [executor, alive, &wake] {
        asio::post(executor, [alive, &wake] {
          if (*alive) wake.cancel();
        });
      },
      [executor, alive, &socket] {
        asio::post(executor, [alive, &socket] {
          if (*alive) socket.abort();
        });
      });
  struct Leave {
    std::shared_ptr<bool> alive;
    std::shared_ptr<FeedHub> hub;
    std::shared_ptr<FeedHub::Subscriber> subscriber;
    ~Leave() {
      *alive = false;
      hub->unsubscribe(subscriber);
    }
  } leave{alive, hub, subscriber};
  socket.on_closed([&wake] { wake.cancel(); });
  while (socket.is_open()) {
    auto next = hub->take(*subscriber);
    if (next.kind == FeedHub::NextKind::dropped) break;
    if (next.kind == FeedHub::NextKind::idle) {
      wake.expires_at(asio::steady_timer::time_point::max());
      co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    std::shared_ptr<const std::string> frame = next.frame;
    if (next.kind == FeedHub::NextKind::snapshot) {
      frame = std::make_shared<const std::string>(co_await snapshot_frame(context));
    }
    const auto error = co_await socket.send_text(*frame);
    hub->sent(*subscriber);
    if (error) break;
  }
}

Awaited get_feed(app::Context& context, std::shared_ptr<FeedHub> hub, http::Request& request) {
  if (!http::is_websocket_upgrade(request)) {
    throw http::Problem(426, "websocket-required", "WebSocket required",
                        "open this route as a WebSocket (subprotocol huicai.aid-totals.v1)")
        .with_header("upgrade", "websocket");
  }
  http::WebSocketUpgrade upgrade;
  upgrade.subprotocol = std::string(kFeedSubprotocol);
  upgrade.handler = [&context, hub](http::WebSocket& socket) {
    return serve_subscriber(context, hub, socket);
  };
  co_return http::accept_websocket(std::move(upgrade));
}

http::Handler bound(Awaited (*handler)(app::Context&, std::shared_ptr<FeedHub>, http::Request&),
                    app::Context& context, std::shared_ptr<FeedHub> hub) {
  return
      [handler, &context, hub](http::Request& request) { return handler(context, hub, request); };
}

}  // namespace

void add_feed_routes(http::Router& router, app::Context& context) {
  const auto hub = start_feed(context);
  const std::string s = "aidstats";
  router.add({http::Method::get,
              "/v1/aid-totals/feed",
              s,
              feed_rule(),
              bound(get_feed, context, hub),
              {}});
}

}  // namespace huicai::aidstats
