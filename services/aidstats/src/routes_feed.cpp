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
#include "feed_waker.hpp"
#include "routes.hpp"

namespace huicai::aidstats {
namespace {

using auth::Role;
using auth::Scope;
namespace asio = boost::asio;
using Awaited = asio::awaitable<http::Response>;

constexpr std::string_view kFeedSubprotocol = "huicai.aid-totals.v1";
// Writers woken per turn of the I/O loop (feed_waker.hpp): a chunk's writes take well under a
// millisecond, the longest the loop's other work waits behind the fan-out.
constexpr std::size_t kWakeChunk = 64;

auth::AccessRule feed_rule() {
  return auth::AccessRule::roles(
      {{Role::finance, Scope::any}, {Role::auditor, Scope::any}, {Role::operator_, Scope::any}});
}

// The process's feed: the hub and the waker of its writers.
struct Feed {
  std::shared_ptr<FeedHub> hub;
  std::shared_ptr<FeedWaker> waker;
};

// One subscriber's writer: a snapshot first, then every update the hub has for it, one frame
// at a time; ends when the peer goes or the hub drops it as too slow.
asio::awaitable<void> serve_subscriber(app::Context& context, const Feed& feed,
                                       http::WebSocket& socket) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer wake(executor, asio::steady_timer::time_point::max());
  // The hub calls these from whichever thread publishes. Wakes go through the waker (a chunk
  // at a time); an abort hops onto the connection's executor. `target->alive` says there
  // whether this frame (the timer, the socket) still exists.
  auto target = std::make_shared<FeedWaker::Target>(FeedWaker::Target{executor, &wake});
  const auto& hub = feed.hub;
  auto subscriber = hub->subscribe([waker = feed.waker, target] { waker->wake(target); },
                                   [target, &socket] {
                                     asio::post(target->executor, [target, &socket] {
                                       if (target->alive) socket.abort();
                                     });
                                   });
  // On the way out (the peer went, the hub dropped it, or the snapshot threw) the connection
  // may still be open: the session then closes it after this frame is gone, so the on_closed
  // callback below (it cancels `wake`, a local of this frame) must go first.
  struct Leave {
    std::shared_ptr<FeedWaker::Target> target;
    std::shared_ptr<FeedHub> hub;
    std::shared_ptr<FeedHub::Subscriber> subscriber;
    http::WebSocket& socket;
    ~Leave() {
      socket.on_closed({});
      target->alive = false;
      hub->unsubscribe(subscriber);
    }
  } leave{target, hub, subscriber, socket};
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

Awaited get_feed(app::Context& context, const Feed& feed, http::Request& request) {
  if (!http::is_websocket_upgrade(request)) {
    throw http::Problem(426, "websocket-required", "WebSocket required",
                        "open this route as a WebSocket (subprotocol huicai.aid-totals.v1)")
        .with_header("upgrade", "websocket");
  }
  http::WebSocketUpgrade upgrade;
  upgrade.subprotocol = std::string(kFeedSubprotocol);
  upgrade.handler = [&context, feed](http::WebSocket& socket) {
    return serve_subscriber(context, feed, socket);
  };
  co_return http::accept_websocket(std::move(upgrade));
}

http::Handler bound(Awaited (*handler)(app::Context&, const Feed&, http::Request&),
                    app::Context& context, Feed feed) {
  return
      [handler, &context, feed](http::Request& request) { return handler(context, feed, request); };
}

}  // namespace

void add_feed_routes(http::Router& router, app::Context& context) {
  const Feed feed{start_feed(context),
                  std::make_shared<FeedWaker>(context.io().get_executor(), kWakeChunk)};
  const std::string s = "aidstats";
  router.add({http::Method::get,
              "/v1/aid-totals/feed",
              s,
              feed_rule(),
              bound(get_feed, context, feed),
              {}});
}

}  // namespace huicai::aidstats
