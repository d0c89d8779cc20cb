// The sandbox payment channel "pays" without money, so it exists only where it is turned on
// (HUICAI_PAYMENT_SANDBOX; off by default, on in deploy/up.sh and in this suite). Off: its
// confirm and callback routes answer 404 and a payment intent answers 503 no-payment-channel,
// and the order stays unpaid. On: the same calls go through.
#include <catch2/catch.hpp>

#include "ordering_world.hpp"
#include "sandbox_signature.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

std::unique_ptr<TestApp> start_app_with_sandbox(bool sandbox_on) {
  ::setenv("HUICAI_ORDER_SWEEP_INTERVAL_MS", "0", 1);
  return std::make_unique<TestApp>(
      std::vector<app::ServiceEntry>{huicai::ordering::service_entry()},
      [sandbox_on](Config& config) { config.payment_sandbox = sandbox_on; });
}

std::int64_t place_personal_order(HttpClient& client, const Catalog& catalog,
                                  const std::string& idempotency_key) {
  auto placed = client.post("/v1/orders", order_body(catalog, 1, 1), key(idempotency_key));
  REQUIRE(placed.status == 201);
  return placed.json().at("id").as_int64();
}

}  // namespace

TEST_CASE("the sandbox payment channel is off unless configured on", "[ordering][payment]") {
  CHECK_FALSE(Config{}.payment_sandbox);

  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_app_with_sandbox(false);
  auto client = client_for(*app, employee());
  const auto order_id = place_personal_order(*client, catalog, "off-" + world.suffix);

  auto intent = client->post("/v1/orders/" + std::to_string(order_id) + "/payment-intents", "",
                             key("off-intent-" + world.suffix));
  CHECK(intent.status == 503);
  CHECK(intent.header("content-type") == "application/problem+json");
  CHECK(intent.json().at("type").as_string().ends_with("/no-payment-channel"));
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_payments WHERE order_id = " +
                     std::to_string(order_id)) == 0);

  // Whatever intent id a caller makes up, there is nothing to confirm it with.
  CHECK(client->post("/v1/payments/sandbox/sbx-made-up/confirm", "").status == 404);

  // A callback signed with the (public) default secret is not even looked at.
  const std::string body = R"({"event_id":"forged-)" + world.suffix +
                           R"(","intent_id":"sbx-made-up","amount_fen":1,"status":"succeeded"})";
  HttpClient anonymous(app->host(), app->port());
  auto callback = anonymous.post(
      "/v1/payments/callbacks/sandbox", body,
      {{"x-huicai-signature", sandbox_signature(body)}, {"content-type", "application/json"}});
  CHECK(callback.status == 404);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_orders WHERE id = " + std::to_string(order_id) +
                     " AND status = 'pending_payment'") == 1);
}

TEST_CASE("with the sandbox on, its routes exist and an intent is created", "[ordering][payment]") {
  World world;
  auto catalog = world.make_catalog(20, 20);
  auto app = start_app_with_sandbox(true);
  auto client = client_for(*app, employee());
  const auto order_id = place_personal_order(*client, catalog, "on-" + world.suffix);

  auto intent = client->post("/v1/orders/" + std::to_string(order_id) + "/payment-intents", "",
                             key("on-intent-" + world.suffix));
  REQUIRE(intent.status == 201);
  const std::string intent_id(intent.json().at("intent_id").as_string());
  CHECK(client->post("/v1/payments/sandbox/" + intent_id + "/confirm", "").status == 202);
  // The callback route exists: a bad signature is refused by the route, not by routing.
  HttpClient anonymous(app->host(), app->port());
  CHECK(anonymous
            .post("/v1/payments/callbacks/sandbox", "{}",
                  {{"x-huicai-signature", "00"}, {"content-type", "application/json"}})
            .status == 401);
}
