// The Idempotency-Key contract of POST /v1/orders: replay, reuse with another body, a key still
// in progress, and two identical requests racing.
#include <catch2/catch.hpp>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

TEST_CASE("same key and body replays the first response", "[ordering][idempotency]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();
  auto buyer = employee();
  auto client = client_for(*app, buyer);
  const std::string k = "replay-" + world.suffix;

  auto first = client->post("/v1/orders", order_body(catalog, 1, 1), key(k));
  REQUIRE(first.status == 201);
  auto second = client->post("/v1/orders", order_body(catalog, 1, 1), key(k));
  CHECK(second.status == 201);
  CHECK(second.body == first.body);
  CHECK(second.header("idempotent-replayed") == "true");
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = " +
                     std::to_string(buyer.account_id)) == 1);
  CHECK(world.reserved(catalog.sku_a) == 1);

  SECTION("same key with another body is 422 and changes nothing") {
    auto other = client->post("/v1/orders", order_body(catalog, 2, 1), key(k));
    CHECK(other.status == 422);
    CHECK(other.json().at("type").as_string().ends_with("idempotency-key-reused"));
    CHECK(world.reserved(catalog.sku_a) == 1);
  }
  SECTION("the key is scoped to the caller: another buyer may use it") {
    auto another = client_for(*app, employee());
    CHECK(another->post("/v1/orders", order_body(catalog, 1, 1), key(k)).status == 201);
    CHECK(world.reserved(catalog.sku_a) == 2);
  }
}

TEST_CASE("a key whose first request is still running answers 409", "[ordering][idempotency]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();
  auto buyer = employee();
  auto client = client_for(*app, buyer);
  const std::string k = "running-" + world.suffix;
  const std::string body = order_body(catalog, 1, 0);
  // The first request is mid-flight: its claim exists with a live lease (as written by claim()).
  http::Request fake;
  fake.method = http::Method::post;
  fake.path = "/v1/orders";
  fake.body = body;
  world.execute(
      "INSERT INTO ordering_idempotency_keys (account_id, idempotency_key, request_hash, status, "
      "attempt_token, lease_until) VALUES (" +
      std::to_string(buyer.account_id) + ", '" + k + "', SHA2(CONCAT('POST /v1/orders\\n', '" +
      body +
      "'), 256), 'in_progress', 'other', "
      "NOW(6) + INTERVAL 60 SECOND)");
  auto response = client->post("/v1/orders", body, key(k));
  CHECK(response.status == 409);
  CHECK(response.json().at("type").as_string().ends_with("idempotency-key-in-progress"));
  CHECK(world.reserved(catalog.sku_a) == 0);

  // Once its lease has run out (the process died), a retry takes the key over and succeeds.
  world.execute(
      "UPDATE ordering_idempotency_keys SET lease_until = NOW(6) - INTERVAL 1 SECOND "
      "WHERE account_id = " +
      std::to_string(buyer.account_id));
  CHECK(client->post("/v1/orders", body, key(k)).status == 201);
  CHECK(world.reserved(catalog.sku_a) == 1);
}

namespace {

// Sends the same order under the same key from two clients released at the same instant.
std::pair<test::HttpResponse, test::HttpResponse> post_at_once(test::HttpClient& first,
                                                               test::HttpClient& second,
                                                               const std::string& body,
                                                               const std::string& k) {
  std::atomic<bool> go{false};
  test::HttpResponse a, b;
  std::thread ta([&] {
    while (!go) std::this_thread::yield();
    a = first.post("/v1/orders", body, key(k));
  });
  std::thread tb([&] {
    while (!go) std::this_thread::yield();
    b = second.post("/v1/orders", body, key(k));
  });
  go = true;
  ta.join();
  tb.join();
  return {a, b};
}

}  // namespace

TEST_CASE("two identical requests racing make one order", "[ordering][idempotency]") {
  World world;
  auto catalog = world.make_catalog(1000, 1000);
  auto app = start_app();
  for (int round = 0; round < 10; ++round) {
    auto buyer = employee();
    auto first = client_for(*app, buyer);
    auto second = client_for(*app, buyer);
    const std::string k = "pair-" + world.suffix + std::to_string(round);
    const auto body = order_body(catalog, 1, 1);
    auto [a, b] = post_at_once(*first, *second, body, k);
    // One creates; the other either waits its turn and replays it, or is told it is running.
    CHECK((a.status == 201 || a.status == 409));
    CHECK((b.status == 201 || b.status == 409));
    CHECK((a.status == 201 || b.status == 201));
    if (a.status == 201 && b.status == 201) CHECK(a.body == b.body);
    CHECK(world.scalar("SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = " +
                       std::to_string(buyer.account_id)) == 1);
  }
}

TEST_CASE("a duplicate racing the first for the last unit gets the first's answer",
          "[ordering][idempotency]") {
  // The key's row is written at the end of the order's transaction: the duplicate may find the
  // unit already taken by the first attempt before it reaches the key. It must still answer as a
  // duplicate (the replay, or 409 while the first runs), never "out of stock".
  World world;
  auto catalog = world.make_catalog(1, 0);
  auto app = start_app();
  for (int round = 0; round < 10; ++round) {
    world.set_stock(catalog.sku_a, catalog.supplier_a, 1);
    auto buyer = employee();
    auto first = client_for(*app, buyer);
    auto second = client_for(*app, buyer);
    const std::string k = "last-" + world.suffix + std::to_string(round);
    const auto body = order_body(catalog, 1, 0);
    auto [a, b] = post_at_once(*first, *second, body, k);
    INFO("answers " << a.status << " " << a.body << " / " << b.status << " " << b.body);
    CHECK((a.status == 201 || b.status == 201));
    for (const auto* answer : {&a, &b}) {
      if (answer->status == 201) continue;
      REQUIRE(answer->status == 409);
      CHECK(answer->json().at("type").as_string().ends_with("idempotency-key-in-progress"));
    }
    if (a.status == 201 && b.status == 201) CHECK(a.body == b.body);
    CHECK(world.scalar("SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = " +
                       std::to_string(buyer.account_id)) == 1);
    CHECK(world.available(catalog.sku_a) == 0);
  }
}
