// Every supplier and product workflow step, and every 比质比价 decision, leaves a domain event
// in catalog_outbox (same transaction as the step), so consumers need no catalog table reads.
#include <huicai/events/v1/catalog.pb.h>

#include <cctype>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "catalog_fixture.hpp"

using namespace catalog_test;
namespace asio = boost::asio;

namespace {

// The payloads of `type` for the aggregate, oldest first.
std::vector<std::string> payloads(CatalogWorld& world, const std::string& type,
                                  std::int64_t aggregate_id) {
  return world.app().run<std::vector<std::string>>(
      [&]() -> asio::awaitable<std::vector<std::string>> {
        co_return co_await world.app().context().db().run([&](huicai::mysql::Session& session) {
          auto& select = session.prepare(
              "SELECT payload FROM catalog_outbox WHERE event_type = ? AND aggregate_id = ? "
              "ORDER BY id");
          auto rows =
              huicai::mysql::query(huicai::mysql::bind(select, type, std::to_string(aggregate_id)));
          std::vector<std::string> found;
          while (rows->next()) found.push_back(huicai::mysql::get_string(*rows, "payload"));
          return found;
        });
      });
}

template <class Message>
std::vector<Message> events_of(CatalogWorld& world, const std::string& type, std::int64_t id) {
  std::vector<Message> messages;
  for (const auto& payload : payloads(world, type, id)) {
    Message message;
    REQUIRE(message.ParseFromString(payload));
    messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace

TEST_CASE("supplier and product workflow steps are domain events", "[catalog][events]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);  // apply, recommend, approve

  auto steps = events_of<huicai::events::v1::SupplierStatusChanged>(
      world, "catalog.supplier_status_changed.v1", supplier);
  REQUIRE(steps.size() == 3);
  CHECK(steps[0].from_status().empty());
  CHECK(steps[0].to_status() == "applied");
  CHECK(steps[1].from_status() == "applied");
  CHECK(steps[1].to_status() == "recommended");
  CHECK(steps[1].actor_account_id() == 900005);  // the county officer
  CHECK(steps[2].to_status() == "active");
  CHECK(steps[2].county_id() == county);
  CHECK(steps[2].version() > steps[1].version());
  auto op = world.client(world.operator_());
  const auto base = "/v1/suppliers/" + std::to_string(supplier);
  REQUIRE(op->post(base + "/suspend", json({{"reason", "抽检不合格"}}), kJson).status == 200);
  steps = events_of<huicai::events::v1::SupplierStatusChanged>(
      world, "catalog.supplier_status_changed.v1", supplier);
  REQUIRE(steps.size() == 4);
  CHECK(steps[3].to_status() == "suspended");
  CHECK(steps[3].reason() == "抽检不合格");
  REQUIRE(op->post(base + "/reinstate", "").status == 200);

  const auto product =
      world.listed_product(supplier, unique("事件小米"), 2000, world.category_id("grain-millet"));
  auto moves = events_of<huicai::events::v1::ProductStatusChanged>(
      world, "catalog.product_status_changed.v1", product);
  REQUIRE(moves.size() == 4);  // created, submitted, approved, listed
  CHECK(moves[0].to_status() == "draft");
  CHECK(moves[1].from_status() == "draft");
  CHECK(moves[1].to_status() == "submitted");
  CHECK(moves[2].to_status() == "approved");
  CHECK(moves[2].actor_account_id() == 900001);  // the operator
  CHECK(moves[3].from_status() == "approved");
  CHECK(moves[3].to_status() == "listed");
  CHECK(moves[3].supplier_id() == supplier);
  // A refused step leaves no event.
  CHECK(op->post("/v1/products/" + std::to_string(product) + "/approve", "").status == 409);
  CHECK(payloads(world, "catalog.product_status_changed.v1", product).size() == 4);
}

TEST_CASE("a 比质比价 decision is a domain event", "[catalog][events][prices]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  auto created =
      world.create_product(supplier, unique("事件高价"), 1500, world.category_id("grain-millet"));
  const auto product = created.at("id").as_int64();
  const auto sku_path = "/v1/products/" + std::to_string(product) + "/skus/" +
                        std::to_string(created.at("skus").at(0).at("id").as_int64());
  auto op = world.client(world.operator_());
  REQUIRE(op->put(sku_path + "/market-reference-price",
                  json({{"market_reference_price_fen", 1000}}), kJson)
              .status == 200);
  auto filed = world.client(world.supplier_staff(supplier))
                   ->post(sku_path + "/price-justification",
                          json({{"justification", "高海拔旱地小米，产量低"}}), kJson);
  REQUIRE(filed.status == 201);
  const auto review = filed.json().at("id").as_int64();
  REQUIRE(op->post("/v1/price-reviews/" + std::to_string(review) + "/reject",
                   json({{"reason", "参考价合理"}}), kJson)
              .status == 200);
  auto decided = events_of<huicai::events::v1::PriceReviewDecided>(
      world, "catalog.price_review_decided.v1", product);
  REQUIRE(decided.size() == 1);
  CHECK(decided[0].review_id() == review);
  CHECK(decided[0].decision() == "rejected");
  CHECK(decided[0].reason() == "参考价合理");
  CHECK(decided[0].margin_bp() == 5000);
  CHECK(decided[0].price_fen() == 1500);
}

TEST_CASE("defining and ending a campaign are domain events", "[catalog][events][campaigns]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto product =
      world.listed_product(supplier, unique("中秋礼盒"), 2000, world.category_id("grain-millet"));
  const auto sku = world.client(world.buyer())
                       ->get("/v1/products/" + std::to_string(product))
                       .json()
                       .at("skus")
                       .at(0)
                       .at("id")
                       .as_int64();
  auto op = world.client(world.operator_());
  std::string code = unique("mid");
  std::transform(code.begin(), code.end(), code.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto created =
      op->post("/v1/campaigns",
               json({{"code", code},
                     {"name", "中秋"},
                     {"kind", "mid_autumn"},
                     {"starts_at", "2099-09-01T00:00:00Z"},
                     {"ends_at", "2099-09-20T00:00:00Z"},
                     {"featured_product_ids", boost::json::array{product}},
                     {"skus", boost::json::array{boost::json::object{
                                  {"sku_id", sku}, {"price_fen", 1800}, {"stock_cap", 300}}}}}),
               kJson);
  INFO(created.body);
  REQUIRE(created.status == 201);
  const auto id = created.json().at("id").as_int64();
  REQUIRE(op->post("/v1/campaigns/" + std::to_string(id) + "/end",
                   json({{"reason", "取消本次活动"}}), kJson)
              .status == 200);
  auto changes =
      events_of<huicai::events::v1::CampaignChanged>(world, "catalog.campaign_changed.v1", id);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].change() == huicai::events::v1::CampaignChanged::CREATED);
  CHECK(changes[0].kind() == "mid_autumn");
  CHECK(changes[0].starts_at_us() == 4091904000LL * 1000000);  // 2099-09-01T00:00:00Z
  REQUIRE(changes[0].skus_size() == 1);
  CHECK(changes[0].skus(0).sku_id() == sku);
  CHECK(changes[0].skus(0).supplier_id() == supplier);
  CHECK(changes[0].skus(0).county_id() == county);
  CHECK(changes[0].skus(0).base_price_fen() == 2000);
  CHECK(changes[0].skus(0).campaign_price_fen() == 1800);
  CHECK(changes[0].skus(0).stock_cap() == 300);
  REQUIRE(changes[0].featured_product_ids_size() == 1);
  CHECK(changes[0].featured_product_ids(0) == product);
  CHECK(changes[1].change() == huicai::events::v1::CampaignChanged::ENDED);
  CHECK(changes[1].reason() == "取消本次活动");
  // Ended before it started: the window is empty, at the moment it was ended.
  CHECK(changes[1].starts_at_us() == changes[1].ends_at_us());
  CHECK(changes[1].version() == changes[0].version() + 1);
}
