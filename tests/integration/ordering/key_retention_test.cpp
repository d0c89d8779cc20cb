// How long an Idempotency-Key is remembered (docs/adr/0032): its row and stored response are
// kept HUICAI_IDEMPOTENCY_RETENTION_DAYS (30), then forgotten by ordering's background retention
// pass (which also deletes outbox rows published more than HUICAI_OUTBOX_RETENTION_DAYS ago); a
// retry with a forgotten key is a new request. Keys younger than that, and claims still being
// worked on, stay. Rows are made old by moving their times back 31 days.
#include <catch2/catch.hpp>
#include <huicai/core/http/idempotency.hpp>
#include <huicai/core/mysql/retention.hpp>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<TestApp> start_app_with_key_sweeps(std::chrono::milliseconds interval) {
  ::setenv("HUICAI_ORDER_SWEEP_INTERVAL_MS", "0", 1);
  return std::make_unique<TestApp>(
      std::vector<app::ServiceEntry>{huicai::ordering::service_entry()},
      [interval](Config& config) {
        config.idempotency_retention = std::chrono::days(30);
        config.outbox_retention = std::chrono::days(30);
        config.retention_sweep_interval = interval;
      });
}

std::string key_row(const auth::Principal& buyer, const std::string& key) {
  return "account_id = " + std::to_string(buyer.account_id) + " AND idempotency_key = '" + key +
         "'";
}

void age_key(World& world, const auth::Principal& buyer, const std::string& key) {
  world.execute(
      "UPDATE ordering_idempotency_keys SET created_at = NOW(6) - INTERVAL 31 DAY WHERE " +
      key_row(buyer, key));
}

bool key_kept(World& world, const auth::Principal& buyer, const std::string& key) {
  return world.scalar("SELECT COUNT(*) FROM ordering_idempotency_keys WHERE " +
                      key_row(buyer, key)) == 1;
}

std::int64_t orders_of(World& world, const auth::Principal& buyer) {
  return world.scalar("SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = " +
                      std::to_string(buyer.account_id));
}

}  // namespace

TEST_CASE("a key older than the retention is forgotten: the same request is then a new order",
          "[ordering][idempotency][retention]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app_with_key_sweeps(100ms);
  auto buyer = employee();
  auto client = client_for(*app, buyer);
  const std::string old_key = "old-" + world.suffix, recent_key = "recent-" + world.suffix;
  const std::string body = order_body(catalog, 1, 1);

  auto first_old = client->post("/v1/orders", body, key(old_key));
  REQUIRE(first_old.status == 201);
  auto first_recent = client->post("/v1/orders", body, key(recent_key));
  REQUIRE(first_recent.status == 201);
  // A claim still being worked on (its lease runs another minute) is never forgotten, however
  // old: its request may still commit.
  const std::string running_key = "running-" + world.suffix;
  world.execute(
      "INSERT INTO ordering_idempotency_keys (account_id, idempotency_key, request_hash, status, "
      "attempt_token, created_at, lease_until) VALUES (" +
      std::to_string(buyer.account_id) + ", '" + running_key +
      "', REPEAT('0', 64), 'in_progress', 'other', NOW(6) - INTERVAL 40 DAY, NOW(6) + INTERVAL 60 "
      "SECOND)");
  age_key(world, buyer, old_key);
  // The first order's events, once the relay published them, as if published 31 days ago.
  const std::string of_first_order =
      "aggregate_id = '" + std::to_string(first_old.json().at("id").as_int64()) + "'";
  const std::string first_events = "FROM ordering_outbox WHERE " + of_first_order;
  auto deadline = std::chrono::steady_clock::now() + 15s;
  while (world.scalar("SELECT COUNT(*) " + first_events + " AND published_at IS NULL") > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  REQUIRE(world.scalar("SELECT COUNT(*) " + first_events + " AND published_at IS NULL") == 0);
  const auto first_event_rows = world.scalar("SELECT COUNT(*) " + first_events);
  REQUIRE(first_event_rows > 0);
  world.execute("UPDATE ordering_outbox SET published_at = published_at - INTERVAL 31 DAY WHERE " +
                of_first_order);

  // The service's background pass runs every 100 ms here.
  deadline = std::chrono::steady_clock::now() + 15s;
  while ((key_kept(world, buyer, old_key) || world.scalar("SELECT COUNT(*) " + first_events) > 0) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE_FALSE(key_kept(world, buyer, old_key));
  CHECK(world.scalar("SELECT COUNT(*) " + first_events) == 0);  // the aged events went too
  const std::string recent_events = "SELECT COUNT(*) FROM ordering_outbox WHERE aggregate_id = '" +
                                    std::to_string(first_recent.json().at("id").as_int64()) + "'";
  CHECK(world.scalar(recent_events) > 0);
  CHECK(key_kept(world, buyer, recent_key));
  CHECK(key_kept(world, buyer, running_key));

  // The recent key still replays its order; the forgotten one places a new order.
  auto replay = client->post("/v1/orders", body, key(recent_key));
  CHECK(replay.status == 201);
  CHECK(replay.body == first_recent.body);
  CHECK(replay.header("idempotent-replayed") == "true");
  auto again = client->post("/v1/orders", body, key(old_key));
  REQUIRE(again.status == 201);
  CHECK_FALSE(again.has_header("idempotent-replayed"));
  CHECK(again.json().at("id") != first_old.json().at("id"));
  CHECK(orders_of(world, buyer) == 3);
  CHECK(world.reserved(catalog.sku_a) == 3);
  CHECK(key_kept(world, buyer, old_key));  // remembered again, from now on
}

TEST_CASE("a retention pass deletes every expired key, a batch per transaction",
          "[ordering][idempotency][retention]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app_with_key_sweeps(0ms);  // no background pass: the test runs them
  auto buyer = employee();
  auto client = client_for(*app, buyer);
  const std::string body = order_body(catalog, 1, 0);
  std::vector<std::string> keys;
  for (int i = 0; i < 5; ++i) {
    keys.push_back("batch-" + std::to_string(i) + "-" + world.suffix);
    REQUIRE(client->post("/v1/orders", body, key(keys.back())).status == 201);
  }
  for (std::size_t i = 0; i < 3; ++i) age_key(world, buyer, keys[i]);

  auto rule = http::Idempotency::retention_rule("ordering_idempotency_keys", std::chrono::days(30));
  rule.batch = 2;  // 3 expired keys (or more left by older runs): at least 2 batches
  const auto forgotten =
      app->run<std::size_t>([&]() { return mysql::delete_expired(app->context().db(), rule); });
  CHECK(forgotten >= 3);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    INFO("key " << i);
    CHECK(key_kept(world, buyer, keys[i]) == (i >= 3));
  }
  // Nothing else of the orders goes: the keys are all a pass deletes.
  CHECK(orders_of(world, buyer) == 5);
  CHECK(app->run<std::size_t>([&]() { return mysql::delete_expired(app->context().db(), rule); }) ==
        0);
}
