// The sandbox payment channel end to end: intent, confirm, the asynchronous signed callback,
// replays and forgeries that change nothing, expiry with two sweepers, and a payment that
// arrives after expiry being refunded automatically.
#include <catch2/catch.hpp>
#include <huicai/ordering/expiry_sweeper.hpp>

#include "ordering_world.hpp"
#include "sandbox_signature.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

std::string order_status(World& world, std::int64_t order_id) {
  return std::to_string(world.scalar("SELECT status = 'paid' FROM ordering_orders WHERE id = " +
                                     std::to_string(order_id)));
}

struct Placed {
  std::int64_t order_id;
  std::int64_t total_fen;
};
Placed place(HttpClient& client, const Catalog& catalog, const std::string& k,
             std::int64_t quantity_a = 1, std::int64_t quantity_b = 1,
             const std::string& plan = "personal") {
  auto response =
      client.post("/v1/orders", order_body(catalog, quantity_a, quantity_b, plan), key(k));
  REQUIRE(response.status == 201);
  return {response.json().at("id").as_int64(), response.json().at("total_fen").as_int64()};
}

std::string create_intent(HttpClient& client, std::int64_t order_id, const std::string& k) {
  auto response =
      client.post("/v1/orders/" + std::to_string(order_id) + "/payment-intents", "", key(k));
  REQUIRE(response.status == 201);
  return std::string(response.json().at("intent_id").as_string());
}

}  // namespace

TEST_CASE("a personal order is paid through the sandbox callback", "[ordering][payment]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_app();
  auto client = client_for(*app, employee());
  auto placed = place(*client, catalog, "pay-" + world.suffix, 2, 1);
  const auto intent_id = create_intent(*client, placed.order_id, "intent-" + world.suffix);

  auto confirm = client->post("/v1/payments/sandbox/" + intent_id + "/confirm", "");
  REQUIRE(confirm.status == 202);
  const std::string callback_body(confirm.json().at("callback").at("body").as_string());
  const std::string signature(confirm.json().at("callback").at("signature").as_string());

  // The channel calls back on its own, asynchronously.
  REQUIRE(wait_until([&] { return order_status(world, placed.order_id) == "1"; },
                     std::chrono::seconds(10)));
  auto order = client->get("/v1/orders/" + std::to_string(placed.order_id)).json();
  for (const auto& fulfilment : order.at("fulfilments").as_array()) {
    CHECK(fulfilment.at("status").as_string() == "to_ship");
  }
  CHECK(world.events_of(placed.order_id, "order_paid") == 1);
  const auto movements = "SELECT COUNT(*) FROM ordering_fund_movements WHERE order_id = " +
                         std::to_string(placed.order_id);
  CHECK(world.scalar(movements) == 1);
  // The callback is recorded once, with what it did.
  const auto recorded = "SELECT COUNT(*) FROM ordering_payment_callbacks WHERE intent_id = '" +
                        intent_id + "' AND outcome = ";
  CHECK(world.scalar(recorded + "'paid'") == 1);

  auto channel = std::make_unique<HttpClient>(app->host(), app->port());
  SECTION("a replayed callback changes nothing") {
    auto replay = channel->post("/v1/payments/callbacks/sandbox", callback_body,
                                {{"x-huicai-signature", signature}});
    CHECK(replay.status == 200);
    CHECK(replay.json().at("outcome").as_string() == "duplicate");
    CHECK(world.scalar(movements) == 1);
    CHECK(world.events_of(placed.order_id, "order_paid") == 1);
    CHECK(world.scalar(recorded + "'paid'") == 1);
  }
  SECTION("another notification of the paid intent is recorded as already settled") {
    const std::string again = R"({"event_id":"again-)" + world.suffix + R"(","intent_id":")" +
                              intent_id + R"(","amount_fen":)" + std::to_string(placed.total_fen) +
                              R"(,"status":"succeeded"})";
    auto answer = channel->post("/v1/payments/callbacks/sandbox", again,
                                {{"x-huicai-signature", sandbox_signature(again)}});
    CHECK(answer.status == 200);
    CHECK(answer.json().at("outcome").as_string() == "already_settled");
    CHECK(world.scalar(recorded + "'already_settled'") == 1);
    CHECK(world.scalar(movements) == 1);
    CHECK(world.events_of(placed.order_id, "order_paid") == 1);
  }
  SECTION("a forged signature is 401") {
    auto forged =
        channel->post("/v1/payments/callbacks/sandbox", callback_body,
                      {{"x-huicai-signature", sandbox_signature(callback_body, "wrong secret")}});
    CHECK(forged.status == 401);
    CHECK(channel->post("/v1/payments/callbacks/sandbox", callback_body).status == 401);
  }
}

TEST_CASE("forged or mismatched callbacks change nothing", "[ordering][payment]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_app();
  auto client = client_for(*app, employee());
  auto placed = place(*client, catalog, "forge-" + world.suffix);
  const auto intent_id = create_intent(*client, placed.order_id, "intent-" + world.suffix);
  auto channel = std::make_unique<HttpClient>(app->host(), app->port());

  // Correctly signed (the test knows the dev secret) but for the wrong amount: 422.
  const std::string wrong_amount = R"({"event_id":"evt-)" + world.suffix + R"(","intent_id":")" +
                                   intent_id + R"(","amount_fen":1,"status":"succeeded"})";
  auto mismatch = channel->post("/v1/payments/callbacks/sandbox", wrong_amount,
                                {{"x-huicai-signature", sandbox_signature(wrong_amount)}});
  CHECK(mismatch.status == 422);
  CHECK(mismatch.json().at("type").as_string().ends_with("payment-amount-mismatch"));
  // Right amount, tampered after signing: 401.
  const std::string right_amount = R"({"event_id":"evt2-)" + world.suffix + R"(","intent_id":")" +
                                   intent_id + R"(","amount_fen":)" +
                                   std::to_string(placed.total_fen) + R"(,"status":"succeeded"})";
  auto tampered = channel->post("/v1/payments/callbacks/sandbox", right_amount,
                                {{"x-huicai-signature", sandbox_signature(wrong_amount)}});
  CHECK(tampered.status == 401);

  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_payment_callbacks WHERE intent_id = '" +
                     intent_id + "'") == 0);
  CHECK(order_status(world, placed.order_id) == "0");
  CHECK(world.events_of(placed.order_id, "order_paid") == 0);

  // The genuine one then goes through.
  auto genuine = channel->post("/v1/payments/callbacks/sandbox", right_amount,
                               {{"x-huicai-signature", sandbox_signature(right_amount)}});
  CHECK(genuine.status == 200);
  CHECK(genuine.json().at("outcome").as_string() == "paid");
  CHECK(order_status(world, placed.order_id) == "1");
}

namespace {

// Sweeps in batches until nothing is due: the database may hold due orders of earlier runs or
// of other tests ahead of ours, and one pass takes at most a batch.
huicai::ordering::SweepResult sweep_until_drained(IoThread& io, mysql::Pool& pool) {
  huicai::ordering::SweepResult total;
  for (int pass = 0; pass < 1'000; ++pass) {
    auto result = io.run<huicai::ordering::SweepResult>(
        [&] { return huicai::ordering::sweep_once(pool, std::chrono::hours(24 * 7)); });
    total.expired += result.expired;
    total.auto_received += result.auto_received;
    if (result.expired == 0) break;
  }
  return total;
}

}  // namespace

TEST_CASE("expiry releases stock exactly once with two sweepers", "[ordering][expiry]") {
  World world;
  auto catalog = world.make_catalog(30, 30);
  auto app = start_app("0");  // unpaid orders are due at once
  auto client = client_for(*app, employee());
  std::vector<std::int64_t> orders;
  for (int i = 0; i < 6; ++i) {
    orders.push_back(
        place(*client, catalog, "exp-" + world.suffix + std::to_string(i), 2, 1).order_id);
  }
  REQUIRE(world.available(catalog.sku_a) == 18);

  // Two "instances": separate pools on separate threads, sweeping at the same time.
  IoThread io_one, io_two;
  mysql::Pool pool_one(io_one.executor(), mysql_test_options(false, 2));
  mysql::Pool pool_two(io_two.executor(), mysql_test_options(false, 2));
  std::atomic<bool> go{false};
  huicai::ordering::SweepResult one, two;
  std::thread first([&] {
    while (!go) std::this_thread::yield();
    one = sweep_until_drained(io_one, pool_one);
  });
  std::thread second([&] {
    while (!go) std::this_thread::yield();
    two = sweep_until_drained(io_two, pool_two);
  });
  go = true;
  first.join();
  second.join();
  pool_one.close();
  pool_two.close();

  std::size_t ours = 0;
  for (auto id : orders) {
    CHECK(world.scalar("SELECT status = 'expired' FROM ordering_orders WHERE id = " +
                       std::to_string(id)) == 1);
    CHECK(world.events_of(id, "order_expired") == 1);
    ++ours;
  }
  // Not asserted: how many each sweeper expired. Under `ctest -j2` another test's sweeper may
  // expire these orders first; what must hold is that each order expired once, with one event,
  // and its stock came back once (checked above and below).
  INFO("these sweepers expired " << one.expired << " + " << two.expired << " of " << ours);
  CHECK(world.available(catalog.sku_a) == 30);
  CHECK(world.reserved(catalog.sku_a) == 0);
  CHECK(world.available(catalog.sku_b) == 30);
  CHECK(world.reserved(catalog.sku_b) == 0);
}

TEST_CASE("a payment arriving after expiry is refunded automatically",
          "[ordering][payment][expiry]") {
  World world;
  auto catalog = world.make_catalog(10, 10);
  auto app = start_app("0");
  auto client = client_for(*app, employee());
  auto placed = place(*client, catalog, "late-" + world.suffix);
  const auto intent_id = create_intent(*client, placed.order_id, "intent-" + world.suffix);
  // Sweep until our order is expired (earlier runs' due orders may come first in a batch).
  for (int pass = 0; pass < 1'000 && world.scalar("SELECT status = 'expired' FROM ordering_orders "
                                                  "WHERE id = " +
                                                  std::to_string(placed.order_id)) == 0;
       ++pass) {
    app->run<huicai::ordering::SweepResult>([&] {
      return huicai::ordering::sweep_once(app->context().db(), std::chrono::hours(24 * 7));
    });
  }
  REQUIRE(world.scalar("SELECT status = 'expired' FROM ordering_orders WHERE id = " +
                       std::to_string(placed.order_id)) == 1);

  // The buyer pays at the channel anyway; the callback finds an expired order.
  REQUIRE(client->post("/v1/payments/sandbox/" + intent_id + "/confirm", "").status == 202);
  REQUIRE(wait_until(
      [&] {
        return world.scalar("SELECT COUNT(*) FROM ordering_refunds WHERE order_id = " +
                            std::to_string(placed.order_id) +
                            " AND reason_kind = 'late_payment'") == 1;
      },
      std::chrono::seconds(10)));
  CHECK(world.scalar("SELECT refunded_fen FROM ordering_sandbox_intents WHERE intent_id = '" +
                     intent_id + "'") == placed.total_fen);
  CHECK(world.scalar("SELECT status = 'refunded' FROM ordering_payments WHERE intent_id = '" +
                     intent_id + "'") == 1);
  CHECK(world.events_of(placed.order_id, "refund_completed") == 1);
  CHECK(world.events_of(placed.order_id, "order_paid") == 0);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_payment_callbacks WHERE intent_id = '" +
                     intent_id + "' AND outcome = 'late_payment_refunded'") == 1);
  // Stock stays released once.
  CHECK(world.available(catalog.sku_a) == 10);
  CHECK(world.reserved(catalog.sku_a) == 0);
}
