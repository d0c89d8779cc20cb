// Ordering with Redis stopped: buyers still place orders and the channel's callbacks still pay
// them (token checks need no Redis; their events wait in ordering_outbox), and once Redis is back
// the relay delivers every event exactly once to the "ordering" stream. Stops and starts the
// shared Redis, hence in `restarts` (run serially).
#include <huicai/events/v1/envelope.pb.h>

#include <catch2/catch.hpp>
#include <huicai/core/redis/client.hpp>
#include <huicai/ordering/expiry_sweeper.hpp>
#include <map>
#include <set>

#include "../ordering/ordering_world.hpp"
#include "../ordering/sandbox_signature.hpp"
#include "stack_control.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

using huicai::test::stack_control::RedisRestorer;
using huicai::test::stack_control::stack;

TEST_CASE("ordering events wait out a Redis outage and are delivered exactly once",
          "[ordering][restarts]") {
  RedisRestorer restorer;
  World world;
  auto catalog = world.make_catalog(100, 100);
  auto app = start_app("1800");
  auto& context = app->context();
  REQUIRE(wait_until([&] { return context.redis().connected(); }, std::chrono::seconds(10)));
  const auto start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count() -
                        1000;

  // Redis up: five orders placed, each with a payment intent.
  auto client = client_for(*app, employee());
  struct Placed {
    std::int64_t id;
    std::int64_t total;
    std::string intent;
  };
  std::vector<Placed> orders;
  for (int i = 0; i < 5; ++i) {
    auto placed = client->post("/v1/orders", order_body(catalog, 1, 1),
                               key("redis-" + world.suffix + std::to_string(i)));
    REQUIRE(placed.status == 201);
    const auto id = placed.json().at("id").as_int64();
    auto intent = client->post("/v1/orders/" + std::to_string(id) + "/payment-intents", "",
                               key("redis-pi-" + world.suffix + std::to_string(i)));
    REQUIRE(intent.status == 201);
    orders.push_back({id, placed.json().at("total_fen").as_int64(),
                      std::string(intent.json().at("intent_id").as_string())});
  }

  // The relay publishes the placements made while Redis is up before Redis goes away (the
  // checks below count only the outage's placements as unpublished; without this wait the
  // last placement's event could still be in the outbox when Redis stops).
  std::string placed_ids;
  for (const auto& order : orders)
    placed_ids += (placed_ids.empty() ? "'" : ",'") + std::to_string(order.id) + "'";
  REQUIRE(wait_until(
      [&] {
        return world.scalar("SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id IN (" +
                            placed_ids +
                            ") AND event_type = 'ordering.order_placed.v1' AND published_at IS "
                            "NULL") == 0;
      },
      std::chrono::seconds(10)));

  stack("stop-redis");
  REQUIRE(wait_until([&] { return !context.redis().connected(); }, std::chrono::seconds(10)));
  // Redis down: the channel's callbacks still pay the orders.
  auto channel = std::make_unique<HttpClient>(app->host(), app->port());
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const std::string body = R"({"event_id":"evt-redis-)" + world.suffix + std::to_string(i) +
                             R"(","intent_id":")" + orders[i].intent + R"(","amount_fen":)" +
                             std::to_string(orders[i].total) + R"(,"status":"succeeded"})";
    auto response = channel->post("/v1/payments/callbacks/sandbox", body,
                                  {{"x-huicai-signature", sandbox_signature(body)}});
    INFO(response.body);
    REQUIRE(response.status == 200);
    CHECK(response.json().at("outcome").as_string() == "paid");
  }
  // Redis down: signed-in buyers still place orders (201), stock reserved as usual.
  std::vector<std::int64_t> placed_during_outage;
  for (int i = 0; i < 3; ++i) {
    auto placed = client->post("/v1/orders", order_body(catalog, 1, 1),
                               key("redis-down-" + world.suffix + std::to_string(i)));
    INFO(placed.body);
    REQUIRE(placed.status == 201);
    placed_during_outage.push_back(placed.json().at("id").as_int64());
  }
  std::string outage_ids;
  for (auto id : placed_during_outage)
    outage_ids += (outage_ids.empty() ? "'" : ",'") + std::to_string(id) + "'";
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id IN (" + outage_ids +
                     ") AND event_type = 'ordering.order_placed.v1' AND published_at IS NULL") ==
        3);

  std::string ids = outage_ids;
  for (const auto& order : orders)
    ids += (ids.empty() ? "'" : ",'") + std::to_string(order.id) + "'";
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id IN (" + ids +
                     ") AND event_type = 'ordering.order_paid.v1' AND published_at IS NULL") == 5);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id IN (" + ids +
                     ") AND event_type = 'ordering.order_placed.v1' AND published_at IS NULL") ==
        3);

  stack("start-redis");
  REQUIRE(wait_until([&] { return context.redis().connected(); }, std::chrono::seconds(15)));
  REQUIRE(wait_until(
      [&] {
        return world.scalar("SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id IN (" + ids +
                            ") AND published_at IS NULL") == 0;
      },
      std::chrono::seconds(20)));

  // Read the stream from just before the test: each of our events is there exactly once.
  std::vector<std::string> xrange{"XRANGE", "huicai:{ordering}:events",
                                  std::to_string(start_ms) + "-0", "+"};
  auto reply = app->run<redis::Reply>([&]() -> boost::asio::awaitable<redis::Reply> {
    co_return co_await context.redis().command_or_throw(xrange);
  });
  std::map<std::string, int> seen;  // event id -> times on the stream
  std::map<std::string, int> paid_per_order;
  std::set<std::string> ours;
  for (const auto& order : orders) ours.insert(std::to_string(order.id));
  for (auto id : placed_during_outage) ours.insert(std::to_string(id));
  std::map<std::string, int> placed_per_order;
  for (const auto& entry : reply.elements) {
    const auto& fields = entry.elements.at(1).elements;
    for (std::size_t f = 0; f + 1 < fields.size(); f += 2) {
      if (fields[f].text != "e") continue;
      huicai::events::v1::Envelope envelope;
      REQUIRE(envelope.ParseFromString(fields[f + 1].text));
      if (!ours.count(envelope.aggregate_id())) continue;
      ++seen[envelope.event_id()];
      if (envelope.type() == "ordering.order_paid.v1") ++paid_per_order[envelope.aggregate_id()];
      if (envelope.type() == "ordering.order_placed.v1") {
        ++placed_per_order[envelope.aggregate_id()];
      }
    }
  }
  for (const auto& [event_id, times] : seen) CHECK(times == 1);
  for (const auto& order : orders) CHECK(paid_per_order[std::to_string(order.id)] == 1);
  for (auto id : placed_during_outage) CHECK(placed_per_order[std::to_string(id)] == 1);
  CHECK(seen.size() ==
        static_cast<std::size_t>(world.scalar(
            "SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id IN (" + ids + ")")));
}
