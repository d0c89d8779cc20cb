// Durable sandbox callbacks: the confirm stores the signed callback in its own transaction and a
// delivery worker (any instance) posts it until a 2xx answer. A restart between confirm and
// delivery still pays the order, once; a failing endpoint is retried with backoff and the
// attempts counted; an endpoint that never answers ends in the visible 'failed' state; two
// workers pay every order exactly once.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/http/router.hpp>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

// A port nothing listens on right now (the kernel picked it free; we close it again).
std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

std::string callback_url(std::uint16_t port, const std::string& path) {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

// The ordering service with the sweeper off and fast callback retries; `adjust` for the rest.
std::unique_ptr<TestApp> start_ordering(const std::function<void(Config&)>& adjust = {}) {
  return std::make_unique<TestApp>(
      std::vector<app::ServiceEntry>{huicai::ordering::service_entry()}, [&](Config& config) {
        config.order_sweep_interval = std::chrono::milliseconds(0);
        config.payment_callback_backoff = std::chrono::milliseconds(50);
        config.payment_callback_backoff_max = std::chrono::milliseconds(200);
        config.payment_callback_poll = std::chrono::milliseconds(50);
        config.payment_callback_timeout = std::chrono::milliseconds(2'000);
        if (adjust) adjust(config);
      });
}

// A callback endpoint that answers 503 to its first `fail_first` calls, then passes the call on
// to the real callback route of `forward_port` and answers what that said. It counts only the
// callback of `intent_id` (a stale callback of an earlier test whose port this one reuses gets
// a 410). A plain global: a ServiceEntry registers through a function pointer.
struct FlakyEndpoint {
  std::atomic<int> calls{0};
  std::atomic<int> fail_first{0};
  std::atomic<std::uint16_t> forward_port{0};
  std::mutex mutex;
  std::string intent_id;
  bool expects(const std::string& body) {
    std::lock_guard lock(mutex);
    return !intent_id.empty() && body.find(intent_id) != std::string::npos;
  }
};
FlakyEndpoint flaky;

void register_flaky(app::Context&, http::Router& router) {
  router.add(http::Route{
      http::Method::post,
      "/flaky/callback",
      "test",
      auth::AccessRule::public_route(),
      [](http::Request& request) -> boost::asio::awaitable<http::Response> {
        if (!flaky.expects(request.body)) {
          co_return http::Response::json(410, boost::json::object{{"error", "not this test's"}});
        }
        if (++flaky.calls <= flaky.fail_first) {
          co_return http::Response::json(503, boost::json::object{{"error", "not now"}});
        }
        // Blocking, on this fake's own I/O thread: the real app runs on another thread.
        HttpClient forward("127.0.0.1", flaky.forward_port);
        const HeaderList signature{
            {"x-huicai-signature", std::string(request.header("x-huicai-signature"))}};
        auto answer = forward.post("/v1/payments/callbacks/sandbox", request.body, signature);
        co_return http::Response::json(answer.status, answer.json());
      },
      {}});
}

struct Paying {
  auth::Principal buyer;
  std::int64_t order_id = 0;
  std::string intent_id;
};

// Places a 2-line personal order and creates its payment intent.
Paying place_with_intent(TestApp& app, const Catalog& catalog, const std::string& suffix) {
  Paying paying;
  paying.buyer = employee();
  auto client = client_for(app, paying.buyer);
  auto placed = client->post("/v1/orders", order_body(catalog, 1, 1), key("cb-" + suffix));
  REQUIRE(placed.status == 201);
  paying.order_id = placed.json().at("id").as_int64();
  auto intent = client->post("/v1/orders/" + std::to_string(paying.order_id) + "/payment-intents",
                             "", key("cbi-" + suffix));
  REQUIRE(intent.status == 201);
  paying.intent_id = std::string(intent.json().at("intent_id").as_string());
  return paying;
}

// The buyer "pays" at the channel: from now on the channel owes us the callback. Returns the
// HTTP status (no Catch assertion inside: it is called from a second thread too).
int confirm_status(TestApp& app, const Paying& paying) {
  auto client = client_for(app, paying.buyer);
  return client->post("/v1/payments/sandbox/" + paying.intent_id + "/confirm", "").status;
}
void confirm(TestApp& app, const Paying& paying) {
  REQUIRE(confirm_status(app, paying) == 202);
}

bool is_paid(World& world, std::int64_t order_id) {
  return world.scalar("SELECT status = 'paid' FROM ordering_orders WHERE id = " +
                      std::to_string(order_id)) == 1;
}

std::string delivery_where(const std::string& intent_id) {
  return " FROM ordering_callback_deliveries WHERE intent_id = '" + intent_id + "'";
}

// What a user (and finance) would notice if a payment were applied twice.
void check_paid_once(World& world, const Paying& paying) {
  const auto order = std::to_string(paying.order_id);
  CHECK(is_paid(world, paying.order_id));
  CHECK(world.events_of(paying.order_id, "order_paid") == 1);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_order_history WHERE order_id = " + order +
                     " AND fulfilment_id IS NULL AND to_status = 'paid'") == 1);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_payments WHERE order_id = " + order +
                     " AND status = 'succeeded'") == 1);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_payment_callbacks WHERE intent_id = '" +
                     paying.intent_id + "'") == 1);
  // The worker marks its row delivered after the 2xx came back, a moment after the order
  // turned paid: wait for that, bounded (seen under ASan).
  CHECK(wait_until(
      [&] {
        return world.scalar("SELECT COUNT(*)" + delivery_where(paying.intent_id) +
                            " AND status = 'delivered'") == 1;
      },
      std::chrono::seconds(10)));
}

}  // namespace

TEST_CASE("a callback owed at a crash is delivered by the next instance, once",
          "[ordering][payment][callbacks]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  // The callback goes to a port where the next instance will listen; nothing listens there yet
  // (the channel's target is down), so the first instance's worker can only fail.
  const auto next_port = free_port();
  const auto target = callback_url(next_port, "/v1/payments/callbacks/sandbox");
  auto first = start_ordering([&](Config& config) {
    config.payment_sandbox_callback_url = target;
    config.payment_callback_attempts = 1000;
  });
  const auto paying = place_with_intent(*first, catalog, world.suffix);
  confirm(*first, paying);
  REQUIRE(wait_until(
      [&] { return world.scalar("SELECT attempts" + delivery_where(paying.intent_id)) >= 1; },
      std::chrono::seconds(10)));
  CHECK_FALSE(is_paid(world, paying.order_id));
  CHECK(world.scalar("SELECT status = 'pending'" + delivery_where(paying.intent_id)) == 1);

  // The first instance goes away with the callback undelivered; a new one comes up on the
  // target port over the same database.
  first.reset();
  auto second = start_ordering([&](Config& config) { config.http_port = next_port; });
  // Bounded by the lease of a claim the first instance may have held when it stopped.
  REQUIRE(wait_until([&] { return is_paid(world, paying.order_id); }, std::chrono::seconds(40)));
  check_paid_once(world, paying);
}

TEST_CASE("a failing callback endpoint is retried with backoff until it answers 2xx",
          "[ordering][payment][callbacks]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_ordering();
  flaky.calls = 0;
  flaky.fail_first = 3;
  flaky.forward_port = app->port();
  TestApp endpoint(std::vector<app::ServiceEntry>{{"flaky", &register_flaky, nullptr}});

  // Another instance confirms with the flaky endpoint as its target.
  auto confirming = start_ordering([&](Config& config) {
    config.payment_sandbox_callback_url = callback_url(endpoint.port(), "/flaky/callback");
    config.payment_callback_backoff = std::chrono::milliseconds(100);
    config.payment_callback_backoff_max = std::chrono::milliseconds(400);
  });
  const auto paying = place_with_intent(*confirming, catalog, world.suffix);
  {
    std::lock_guard lock(flaky.mutex);
    flaky.intent_id = paying.intent_id;
  }
  const auto started = std::chrono::steady_clock::now();
  confirm(*confirming, paying);
  REQUIRE(wait_until([&] { return is_paid(world, paying.order_id); }, std::chrono::seconds(15)));
  const auto took = std::chrono::steady_clock::now() - started;

  check_paid_once(world, paying);
  CHECK(flaky.calls == 4);
  CHECK(world.scalar("SELECT attempts" + delivery_where(paying.intent_id)) == 4);
  // Three failures waited 100 + 200 + 400 ms (doubling, capped at 400) before the 4th attempt.
  CHECK(took >= std::chrono::milliseconds(700));
}

TEST_CASE("a callback nobody takes ends as failed after its attempts",
          "[ordering][payment][callbacks]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_ordering([&](Config& config) {
    config.payment_sandbox_callback_url =
        callback_url(free_port(), "/v1/payments/callbacks/sandbox");
    config.payment_callback_attempts = 3;
  });
  const auto paying = place_with_intent(*app, catalog, world.suffix);
  confirm(*app, paying);
  REQUIRE(wait_until(
      [&] {
        return world.scalar("SELECT status = 'failed'" + delivery_where(paying.intent_id)) == 1;
      },
      std::chrono::seconds(15)));
  CHECK(world.scalar("SELECT attempts" + delivery_where(paying.intent_id)) == 3);
  CHECK(world.scalar("SELECT last_error IS NOT NULL" + delivery_where(paying.intent_id)) == 1);
  CHECK_FALSE(is_paid(world, paying.order_id));
  // It stays failed: no worker picks it up again.
  CHECK_FALSE(wait_until(
      [&] { return world.scalar("SELECT attempts" + delivery_where(paying.intent_id)) > 3; },
      std::chrono::milliseconds(500)));
}

TEST_CASE("two delivery workers pay every order exactly once", "[ordering][payment][callbacks]") {
  World world;
  auto catalog = world.make_catalog(200, 200);
  auto fast = [](Config& config) { config.payment_callback_poll = std::chrono::milliseconds(5); };
  auto a = start_ordering(fast);
  auto b = start_ordering(fast);
  std::vector<Paying> orders;
  for (int i = 0; i < 16; ++i) {
    orders.push_back(place_with_intent(i % 2 ? *a : *b, catalog, world.suffix + std::to_string(i)));
  }
  // Confirms through both instances at once.
  std::vector<int> statuses(orders.size());
  std::thread other([&] {
    for (std::size_t i = 0; i < orders.size(); i += 2) statuses[i] = confirm_status(*a, orders[i]);
  });
  for (std::size_t i = 1; i < orders.size(); i += 2) statuses[i] = confirm_status(*b, orders[i]);
  other.join();
  for (int status : statuses) CHECK(status == 202);
  REQUIRE(wait_until(
      [&] {
        for (const auto& paying : orders) {
          if (!is_paid(world, paying.order_id)) return false;
        }
        return true;
      },
      std::chrono::seconds(20)));
  for (const auto& paying : orders) check_paid_once(world, paying);
}
