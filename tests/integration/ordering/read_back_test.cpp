// What an order keeps from the moment it was placed and shipped, read back as buyers and
// suppliers see it: certification counts only when the certificate was valid on the day of
// purchase, and the carrier, tracking and batch numbers typed at shipment are shown again.
#include <catch2/catch.hpp>

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

// The single line of an order of SKU B only.
boost::json::object line_b(const boost::json::object& order) {
  const auto& fulfilments = order.at("fulfilments").as_array();
  REQUIRE(fulfilments.size() == 1);
  const auto& lines = fulfilments[0].at("lines").as_array();
  REQUIRE(lines.size() == 1);
  return lines[0].as_object();
}

}  // namespace

TEST_CASE("a certificate outside its validity window is not counted as certified at purchase",
          "[ordering][certification]") {
  World world;
  auto catalog = world.make_catalog(10, 10);
  auto app = start_app();
  auto buyer = client_for(*app, employee());
  const auto sku_b = std::to_string(catalog.sku_b);
  const auto product_b =
      std::to_string(world.scalar("SELECT product_id FROM catalog_skus WHERE id = " + sku_b));
  const auto supplier_b = std::to_string(catalog.supplier_b);
  const auto county = std::to_string(catalog.county_id);
  const auto certificate = [&](const std::string& scope, const std::string& target,
                               const std::string& from, const std::string& to) {
    return world.insert(
        "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, "
        "county_id, valid_from, valid_to) VALUES ('WIN-" +
        world.suffix + "-" + std::to_string(random_id()) + "', '县扶贫办', '" + scope + "', " +
        target + ", " + county + ", " + from + ", " + to + ")");
  };
  // Expired yesterday (product and supplier scope), and one that starts tomorrow.
  certificate("product", product_b, "CURRENT_DATE - INTERVAL 400 DAY",
              "CURRENT_DATE - INTERVAL 1 DAY");
  certificate("supplier", supplier_b, "CURRENT_DATE - INTERVAL 30 DAY",
              "CURRENT_DATE - INTERVAL 1 DAY");
  certificate("product", product_b, "CURRENT_DATE + INTERVAL 1 DAY",
              "CURRENT_DATE + INTERVAL 365 DAY");

  auto outside =
      ok(buyer->post("/v1/orders", order_body(catalog, 0, 1), key("win1-" + world.suffix)), 201);
  auto line = line_b(outside);
  CHECK_FALSE(line.at("certified").as_bool());
  CHECK(line.at("certificate_id").is_null());
  CHECK(line.at("certificate_number").is_null());

  // A certificate whose window is exactly today counts (both ends inclusive), and the first
  // order keeps what it was placed with.
  const auto today = certificate("product", product_b, "CURRENT_DATE", "CURRENT_DATE");
  auto inside =
      ok(buyer->post("/v1/orders", order_body(catalog, 0, 1), key("win2-" + world.suffix)), 201);
  line = line_b(inside);
  CHECK(line.at("certified").as_bool());
  CHECK(line.at("certificate_id").as_int64() == today);
  auto first_again = ok(buyer->get("/v1/orders/" + std::to_string(outside.at("id").as_int64())));
  CHECK_FALSE(line_b(first_again).at("certified").as_bool());
}

TEST_CASE("carrier, tracking and batch numbers typed at shipment are read back",
          "[ordering][fulfilment]") {
  World world;
  auto catalog = world.make_catalog(10, 10);
  auto app = start_app();
  auto buyer = client_for(*app, employee());
  auto placed =
      ok(buyer->post("/v1/orders", order_body(catalog, 0, 2), key("trk-" + world.suffix)), 201);
  const auto order = std::to_string(placed.at("id").as_int64());
  auto intent =
      ok(buyer->post("/v1/orders/" + order + "/payment-intents", "", key("trk-pi-" + world.suffix)),
         201);
  auto confirm = ok(buyer->post("/v1/payments/sandbox/" +
                                    std::string(intent.at("intent_id").as_string()) + "/confirm",
                                ""),
                    202);
  // Delivered by hand, so the order is paid when the answer arrives.
  auto channel = std::make_unique<HttpClient>(app->host(), app->port());
  const std::string callback_body(confirm.at("callback").at("body").as_string());
  const std::string signature(confirm.at("callback").at("signature").as_string());
  channel->post("/v1/payments/callbacks/sandbox", callback_body,
                {{"x-huicai-signature", signature}});
  REQUIRE(wait_until(
      [&] {
        return world.scalar("SELECT status = 'paid' FROM ordering_orders WHERE id = " + order) == 1;
      },
      std::chrono::seconds(10)));

  const auto fulfilment =
      std::to_string(placed.at("fulfilments").as_array()[0].at("id").as_int64());
  const std::string tracking = "SF" + world.suffix + "0042";
  const std::string batch = "MZ-2026-10-" + world.suffix;
  auto supplier = client_for(*app, supplier_staff(catalog.supplier_b));
  ok(supplier->post(
      "/v1/fulfilments/" + fulfilment + "/ship",
      boost::json::serialize(boost::json::object{
          {"carrier", "中国邮政"}, {"tracking_number", tracking}, {"batch_number", batch}})));

  const auto shows_shipment = [&](const boost::json::object& shipped) {
    CHECK(shipped.at("status").as_string() == "shipped");
    CHECK(shipped.at("carrier").as_string() == "中国邮政");
    CHECK(shipped.at("tracking_number").as_string() == tracking);
    CHECK(shipped.at("batch_number").as_string() == batch);
    CHECK(shipped.at("shipped_at").is_string());
  };
  // The buyer reads the order; the supplier reads its fulfilment.
  auto as_buyer = ok(buyer->get("/v1/orders/" + order));
  shows_shipment(as_buyer.at("fulfilments").as_array()[0].as_object());
  shows_shipment(ok(supplier->get("/v1/fulfilments/" + fulfilment)));
}

TEST_CASE("a placed order's 201 reads exactly as the same order read back, and as its replay",
          "[ordering][idempotency]") {
  World world;
  auto catalog = world.make_catalog(10, 10);
  // Text that JSON must escape, in what the order snapshots from the catalog and in its note.
  world.execute(
      "UPDATE catalog_products p JOIN catalog_skus s ON s.product_id = p.id SET p.title "
      "= CONCAT('\"精品\" 小米 \\\\ 5kg/袋 ', p.id) WHERE s.id IN (" +
      std::to_string(catalog.sku_a) + ", " + std::to_string(catalog.sku_b) + ")");
  auto app = start_app();
  auto buyer = client_for(*app, employee());
  auto body = boost::json::parse(order_body(catalog, 2, 1)).as_object();
  body["note"] = "送到\"三号楼\" \\ 门卫";
  const auto idempotency_key = key("text-" + world.suffix);

  const auto placed = buyer->post("/v1/orders", boost::json::serialize(body), idempotency_key);
  INFO(placed.body);
  REQUIRE(placed.status == 201);
  CHECK(placed.body.find("\\\"精品\\\" 小米 \\\\ 5kg/袋") != std::string::npos);
  const auto id = std::to_string(placed.json().at("id").as_int64());
  const auto read_back = buyer->get("/v1/orders/" + id);
  REQUIRE(read_back.status == 200);
  CHECK(placed.body == read_back.body);
  const auto replay = buyer->post("/v1/orders", boost::json::serialize(body), idempotency_key);
  CHECK(replay.status == 201);
  CHECK(replay.body == placed.body);
}
