// Application-level security controls of ordering (issue 10, items 5 and 7): the order carries
// the total the buyer was shown and a changed price is a 409 that changes nothing; every free
// text is length-checked to 422; a fulfilment takes a bounded number of refund requests;
// evidence links are https only; placing orders, paying and filing refunds are rate limited
// per account (429 with Retry-After).
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "ordering_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::ordering;

namespace {

boost::json::object ok(const HttpResponse& response, int status = 200) {
  INFO(response.body);
  REQUIRE(response.status == status);
  return response.json().as_object();
}

std::string field_of_first_error(const HttpResponse& response) {
  const auto body = response.json().as_object();
  if (!body.contains("errors") || body.at("errors").as_array().empty()) return "";
  return std::string(body.at("errors").as_array()[0].at("field").as_string());
}

std::string chars(std::size_t count, const std::string& one = "长") {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += one;
  return text;
}

std::string with_expected(const std::string& body, std::int64_t expected_total_fen) {
  auto object = boost::json::parse(body).as_object();
  object["expected_total_fen"] = expected_total_fen;
  return boost::json::serialize(object);
}

void set_price(World& world, std::int64_t sku_id, std::int64_t price_fen) {
  world.execute("UPDATE catalog_skus SET price_fen = " + std::to_string(price_fen) +
                " WHERE id = " + std::to_string(sku_id));
}

std::int64_t orders_of(World& world, const auth::Principal& buyer) {
  return world.scalar("SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id = " +
                      std::to_string(buyer.account_id));
}

// A personal order of one SKU A, marked paid by the test (payment is not what these tests are
// about), then shipped by its supplier through the API. Returns {order id, fulfilment id}.
std::pair<std::int64_t, std::int64_t> shipped_order(World& world, TestApp& app,
                                                    const Catalog& catalog, HttpClient& buyer,
                                                    const std::string& key_text) {
  auto order = ok(buyer.post("/v1/orders", order_body(catalog, 1, 0), key(key_text)), 201);
  const auto order_id = order.at("id").as_int64();
  const auto fulfilment_id = order.at("fulfilments").as_array()[0].at("id").as_int64();
  world.execute(
      "UPDATE ordering_orders SET status = 'paid', paid_at = NOW(6), expires_at = NULL WHERE id "
      "= " +
      std::to_string(order_id));
  world.execute("UPDATE ordering_fulfilments SET status = 'to_ship' WHERE id = " +
                std::to_string(fulfilment_id));
  auto supplier = client_for(app, supplier_staff(catalog.supplier_a));
  ok(supplier->post("/v1/fulfilments/" + std::to_string(fulfilment_id) + "/ship",
                    R"({"carrier":"顺丰","tracking_number":"SF1","batch_number":"B1"})"));
  return {order_id, fulfilment_id};
}

std::string partial_refund(std::int64_t fulfilment_id, const std::string& reason = "破损") {
  return boost::json::serialize(boost::json::object{{"fulfilment_id", fulfilment_id},
                                                    {"kind", "partial"},
                                                    {"amount_fen", 1},
                                                    {"reason", reason}});
}

// Rate limits count in fixed one-minute windows: start a test near a window's start so its
// requests cannot straddle two windows (which would reset the count between them).
void at_start_of_a_window() {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count() %
                  60'000;
  if (ms > 45'000) std::this_thread::sleep_for(std::chrono::milliseconds(60'000 - ms + 200));
}

std::unique_ptr<TestApp> start_limited(const std::function<void(Config&)>& adjust) {
  ::setenv("HUICAI_ORDER_SWEEP_INTERVAL_MS", "0", 1);
  return std::make_unique<TestApp>(
      std::vector<app::ServiceEntry>{huicai::ordering::service_entry()}, adjust);
}

}  // namespace

TEST_CASE("the cart shows its total and price version, and an order may carry the total",
          "[ordering][bait-and-switch]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();
  auto buyer = employee();
  auto client = client_for(*app, buyer);
  ok(client->put("/v1/cart/items/" + std::to_string(catalog.sku_a), R"({"quantity":2})"));
  ok(client->put("/v1/cart/items/" + std::to_string(catalog.sku_b), R"({"quantity":1})"));
  auto cart = ok(client->get("/v1/cart"));
  const auto shown_total = cart.at("total_fen").as_int64();
  CHECK(shown_total == 2 * Catalog::price_a + Catalog::price_b);
  const std::string shown_version(cart.at("price_version").as_string());
  CHECK(shown_version.starts_with("pv1-"));

  // Same prices, same cart: same version. A new price: a new version and a new total.
  CHECK(ok(client->get("/v1/cart")).at("price_version").as_string() == shown_version);
  set_price(world, catalog.sku_a, Catalog::price_a + 1000);
  auto changed = ok(client->get("/v1/cart"));
  CHECK(changed.at("price_version").as_string() != shown_version);
  CHECK(changed.at("total_fen").as_int64() == shown_total + 2000);

  // Ordering the cart with the total shown before the change: 409 with the current prices.
  const std::string body =
      with_expected(R"({"from_cart":true,"fund_plan":"personal"})", shown_total);
  auto refused = client->post("/v1/orders", body, key("bait-" + world.suffix));
  INFO(refused.body);
  REQUIRE(refused.status == 409);
  auto problem = refused.json().as_object();
  CHECK(problem.at("type").as_string().ends_with("/price-changed"));
  CHECK(problem.at("expected_total_fen").as_int64() == shown_total);
  CHECK(problem.at("total_fen").as_int64() == shown_total + 2000);
  CHECK(problem.at("price_version").as_string() == changed.at("price_version").as_string());
  const auto& lines = problem.at("lines").as_array();
  REQUIRE(lines.size() == 2);
  for (const auto& line : lines) {
    if (line.at("sku_id").as_int64() == catalog.sku_a) {
      CHECK(line.at("unit_price_fen").as_int64() == Catalog::price_a + 1000);
      CHECK(line.at("line_total_fen").as_int64() == 2 * (Catalog::price_a + 1000));
    }
  }
  // Nothing changed: no order, no stock taken, the cart as it was.
  CHECK(orders_of(world, buyer) == 0);
  CHECK(world.available(catalog.sku_a) == 50);
  CHECK(world.reserved(catalog.sku_a) == 0);
  CHECK(ok(client->get("/v1/cart")).at("items").as_array().size() == 2);

  // A refusal is not remembered under the Idempotency-Key: a retry is evaluated again. While
  // the price stays changed the same body gets the same 409...
  CHECK(client->post("/v1/orders", body, key("bait-" + world.suffix)).status == 409);
  // ...and once the price the buyer saw is back, the very same request places the order at it.
  set_price(world, catalog.sku_a, Catalog::price_a);
  auto placed = ok(client->post("/v1/orders", body, key("bait-" + world.suffix)), 201);
  CHECK(placed.at("total_fen").as_int64() == shown_total);
  CHECK(orders_of(world, buyer) == 1);
}

TEST_CASE("expected_total_fen is the only amount a client may send",
          "[ordering][bait-and-switch]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();
  auto client = client_for(*app, employee());
  const auto total = Catalog::price_a + Catalog::price_b;
  // A matching expectation places the order as usual.
  ok(client->post("/v1/orders", with_expected(order_body(catalog, 1, 1), total),
                  key("exp-ok-" + world.suffix)),
     201);
  // Any other amount is still refused, and so is a negative expectation.
  for (const char* name : {"total_fen", "expected_price_fen", "amount_fen"}) {
    auto object = boost::json::parse(order_body(catalog, 1, 1)).as_object();
    object[name] = total;
    auto refused = client->post("/v1/orders", boost::json::serialize(object),
                                key(std::string("exp-") + name + world.suffix));
    INFO(name << ": " << refused.body);
    CHECK(refused.status == 422);
    CHECK(field_of_first_error(refused) == name);
  }
  auto negative = client->post("/v1/orders", with_expected(order_body(catalog, 1, 1), -1),
                               key("exp-neg-" + world.suffix));
  CHECK(negative.status == 422);
  CHECK(field_of_first_error(negative) == "expected_total_fen");
}

TEST_CASE("every free-text field of ordering is length-checked to 422 and changes nothing",
          "[ordering][text-limits]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();
  auto buyer = employee();
  auto client = client_for(*app, buyer);
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_a));
  auto op = client_for(*app, with_role(auth::Role::operator_));

  // A shipped fulfilment with one refund request the supplier rejected and the buyer disputed.
  const auto shipped = shipped_order(world, *app, catalog, *client, "text-" + world.suffix);
  const auto order_id = shipped.first;
  const auto fulfilment_id = shipped.second;
  auto sale = ok(client->post("/v1/orders/" + std::to_string(order_id) + "/after-sales",
                              partial_refund(fulfilment_id), key("text-as-" + world.suffix)),
                 201);
  const auto sale_url = "/v1/after-sales/" + std::to_string(sale.at("id").as_int64());

  struct Case {
    std::string name;  // the field, as the 422 must name it
    std::function<HttpResponse()> send;
  };
  const std::string long_reason = chars(501);  // the columns are VARCHAR(500)
  const std::string long_shipping = chars(65, "S");
  const auto ship_url = "/v1/fulfilments/" + std::to_string(fulfilment_id) + "/ship";
  std::vector<Case> cases = {
      {"note",
       [&] {
         auto object = boost::json::parse(order_body(catalog, 1, 0)).as_object();
         object["note"] = long_reason;
         return client->post("/v1/orders", boost::json::serialize(object),
                             key("text-note-" + world.suffix));
       }},
      {"reason",
       [&] {
         return client->post("/v1/orders/" + std::to_string(order_id) + "/after-sales",
                             partial_refund(fulfilment_id, long_reason),
                             key("text-as-long-" + world.suffix));
       }},
      {"reason",
       [&] {
         return supplier->post(sale_url + "/supplier-decision",
                               boost::json::serialize(boost::json::object{{"decision", "reject"},
                                                                          {"reason", long_reason}}),
                               key("text-sd-" + world.suffix));
       }},
      {"reason",
       [&] {
         return client->post(sale_url + "/dispute",
                             boost::json::serialize(boost::json::object{{"decision", "dispute"},
                                                                        {"reason", long_reason}}));
       }},
      {"reason",
       [&] {
         return op->post(sale_url + "/operator-decision",
                         boost::json::serialize(
                             boost::json::object{{"decision", "refund"}, {"reason", long_reason}}),
                         key("text-od-" + world.suffix));
       }},
      {"carrier",
       [&] {
         return supplier->post(
             ship_url,
             boost::json::serialize(boost::json::object{
                 {"carrier", long_shipping}, {"tracking_number", "SF2"}, {"batch_number", "B2"}}));
       }},
      {"tracking_number",
       [&] {
         return supplier->post(
             ship_url,
             boost::json::serialize(boost::json::object{
                 {"carrier", "顺丰"}, {"tracking_number", long_shipping}, {"batch_number", "B2"}}));
       }},
      {"batch_number",
       [&] {
         return supplier->post(ship_url, boost::json::serialize(
                                             boost::json::object{{"carrier", "顺丰"},
                                                                 {"tracking_number", "SF2"},
                                                                 {"batch_number", long_shipping}}));
       }},
      {"lines[0].reason",
       [&] {
         auto unit_buyer = client_for(*app, unit_role(auth::Role::unit_buyer, 1, "/1/"));
         return unit_buyer->post(
             "/v1/fulfilments/" + std::to_string(fulfilment_id) + "/accept",
             boost::json::serialize(boost::json::object{
                 {"lines",
                  boost::json::array{boost::json::object{
                      {"line_id", 1}, {"accepted_quantity", 0}, {"reason", long_reason}}}}}),
             key("text-acc-" + world.suffix));
       }},
      {"reason",
       [&] {
         auto approver = client_for(*app, unit_role(auth::Role::unit_approver, 1, "/1/"));
         return approver->post(
             "/v1/orders/" + std::to_string(order_id) + "/reject",
             boost::json::serialize(boost::json::object{{"reason", long_reason}}));
       }},
      {"reason",
       [&] {
         return supplier->post(
             "/v1/inventory/" + std::to_string(catalog.sku_a) + "/adjustments",
             boost::json::serialize(boost::json::object{{"delta", 1}, {"reason", long_reason}}));
       }},
  };
  const auto after_sales_before =
      world.scalar("SELECT COUNT(*) FROM ordering_after_sales WHERE fulfilment_id = " +
                   std::to_string(fulfilment_id));
  for (const auto& test : cases) {
    auto response = test.send();
    INFO("field " << test.name << ": " << response.status << " " << response.body);
    CHECK(response.status == 422);
    CHECK(field_of_first_error(response) == test.name);
  }
  // Nothing changed: one order, one refund request still 'requested', the fulfilment shipped
  // with its first tracking number, the stock as it was.
  CHECK(orders_of(world, buyer) == 1);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_after_sales WHERE fulfilment_id = " +
                     std::to_string(fulfilment_id)) == after_sales_before);
  CHECK(world.scalar("SELECT status = 'requested' FROM ordering_after_sales WHERE id = " +
                     std::to_string(sale.at("id").as_int64())) == 1);
  CHECK(world.scalar("SELECT tracking_number = 'SF1' AND status = 'shipped' FROM "
                     "ordering_fulfilments WHERE id = " +
                     std::to_string(fulfilment_id)) == 1);
  CHECK(world.available(catalog.sku_a) == 49);

  // At the limit, 500 Chinese characters (1500 bytes) fit: the limit is the column's, in
  // characters, not bytes.
  ok(supplier->post(
      sale_url + "/supplier-decision",
      boost::json::serialize(boost::json::object{{"decision", "reject"}, {"reason", chars(500)}}),
      key("text-sd-ok-" + world.suffix)));
  CHECK(world.scalar("SELECT CHAR_LENGTH(supplier_reason) FROM ordering_after_sales WHERE id = " +
                     std::to_string(sale.at("id").as_int64())) == 500);
}

TEST_CASE("a fulfilment takes a bounded number of refund requests", "[ordering][after-sales]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_limited([](Config& config) { config.after_sales_per_fulfilment = 3; });
  auto buyer = employee();
  auto client = client_for(*app, buyer);
  const auto shipped = shipped_order(world, *app, catalog, *client, "cap-" + world.suffix);
  const auto order_id = shipped.first;
  const auto fulfilment_id = shipped.second;
  const auto url = "/v1/orders/" + std::to_string(order_id) + "/after-sales";
  for (int i = 0; i < 3; ++i) {
    ok(client->post(url, partial_refund(fulfilment_id),
                    key("cap-" + std::to_string(i) + world.suffix)),
       201);
  }
  auto fourth = client->post(url, partial_refund(fulfilment_id), key("cap-4-" + world.suffix));
  INFO(fourth.body);
  CHECK(fourth.status == 409);
  CHECK(fourth.json().at("type").as_string().ends_with("/after-sales-limit"));
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_after_sales WHERE fulfilment_id = " +
                     std::to_string(fulfilment_id)) == 3);
}

TEST_CASE("evidence links are https URLs only", "[ordering][after-sales]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_app();
  auto client = client_for(*app, employee());
  const auto shipped = shipped_order(world, *app, catalog, *client, "url-" + world.suffix);
  const auto order_id = shipped.first;
  const auto fulfilment_id = shipped.second;
  const auto url = "/v1/orders/" + std::to_string(order_id) + "/after-sales";
  int n = 0;
  for (const char* link :
       {"http://img.example.com/a.jpg", "javascript:alert(1)", "data:image/png;base64,AAAA",
        "https://", "https:// evil.example", "https://img.example.com/a b.jpg",
        "HTTPS://img.example.com/a.jpg", "https://img.example.com/\"onerror=\"x"}) {
    auto body = boost::json::parse(partial_refund(fulfilment_id)).as_object();
    body["evidence_urls"] = boost::json::array{link};
    auto response = client->post(url, boost::json::serialize(body),
                                 key("url-" + std::to_string(++n) + world.suffix));
    INFO(link << ": " << response.body);
    CHECK(response.status == 422);
    CHECK(field_of_first_error(response) == "evidence_urls[0]");
  }
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_after_sales WHERE fulfilment_id = " +
                     std::to_string(fulfilment_id)) == 0);
  auto body = boost::json::parse(partial_refund(fulfilment_id)).as_object();
  body["evidence_urls"] = boost::json::array{"https://img.example.com/evidence/1.jpg"};
  ok(client->post(url, boost::json::serialize(body), key("url-ok-" + world.suffix)), 201);
}

TEST_CASE("placing orders, paying and filing refunds are rate limited per account",
          "[ordering][rate-limits]") {
  World world;
  auto catalog = world.make_catalog(100, 100);
  auto app = start_limited([](Config& config) {
    config.order_placements_per_minute = 2;
    config.payment_requests_per_minute = 1;
    config.after_sales_requests_per_minute = 1;
  });
  at_start_of_a_window();
  auto buyer = employee();
  auto client = client_for(*app, buyer);

  // Orders: two a minute, the third is 429 with Retry-After and places nothing.
  std::vector<std::int64_t> orders;
  for (int i = 0; i < 2; ++i) {
    orders.push_back(ok(client->post("/v1/orders", order_body(catalog, 1, 0),
                                     key("rl-" + std::to_string(i) + world.suffix)),
                        201)
                         .at("id")
                         .as_int64());
  }
  auto third = client->post("/v1/orders", order_body(catalog, 1, 0), key("rl-3-" + world.suffix));
  INFO(third.body);
  CHECK(third.status == 429);
  const auto retry_after = std::atoi(third.header("retry-after").c_str());
  CHECK(retry_after >= 1);
  CHECK(retry_after <= 60);
  CHECK(orders_of(world, buyer) == 2);
  // Per account: another buyer is not slowed down by this one.
  ok(client_for(*app, employee())
         ->post("/v1/orders", order_body(catalog, 1, 0), key("rl-other-" + world.suffix)),
     201);

  // Payment intents: one a minute.
  ok(client->post("/v1/orders/" + std::to_string(orders[0]) + "/payment-intents", "",
                  key("rl-pi-1-" + world.suffix)),
     201);
  auto second_intent = client->post("/v1/orders/" + std::to_string(orders[1]) + "/payment-intents",
                                    "", key("rl-pi-2-" + world.suffix));
  CHECK(second_intent.status == 429);
  CHECK(second_intent.has_header("retry-after"));
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_payments WHERE order_id = " +
                     std::to_string(orders[1])) == 0);

  // Refund requests: one a minute (another buyer, whose order limit is untouched).
  auto refund_buyer = client_for(*app, employee());
  const auto shipped =
      shipped_order(world, *app, catalog, *refund_buyer, "rl-ship-" + world.suffix);
  const auto url = "/v1/orders/" + std::to_string(shipped.first) + "/after-sales";
  ok(refund_buyer->post(url, partial_refund(shipped.second), key("rl-as-1-" + world.suffix)), 201);
  auto second_refund =
      refund_buyer->post(url, partial_refund(shipped.second), key("rl-as-2-" + world.suffix));
  CHECK(second_refund.status == 429);
  CHECK(world.scalar("SELECT COUNT(*) FROM ordering_after_sales WHERE fulfilment_id = " +
                     std::to_string(shipped.second)) == 1);
}
