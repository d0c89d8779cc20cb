// 比质比价 with teeth: a SKU priced above its market reference by more than the allowed margin
// (10 % by default) is not listed, and a listed SKU does not take such a price, until the
// supplier's justification for exactly that price was approved by an operator. The review
// queue shows the margin.
#include "catalog_fixture.hpp"

using namespace catalog_test;

namespace {

boost::json::object ok(const HttpResponse& response, int status = 200) {
  INFO(response.body);
  REQUIRE(response.status == status);
  return response.json().as_object();
}

// A draft product with one SKU at `price_fen` whose reference the operator sets to `reference`.
struct Priced {
  std::int64_t product = 0, sku = 0;
  std::string base, sku_path;
};
Priced priced_product(CatalogWorld& world, std::int64_t supplier, std::int64_t price_fen,
                      std::int64_t reference) {
  auto product = world.create_product(supplier, unique("高价小米"), price_fen,
                                      world.category_id("grain-millet"));
  Priced p;
  p.product = product.at("id").as_int64();
  p.sku = product.at("skus").as_array()[0].at("id").as_int64();
  p.base = "/v1/products/" + std::to_string(p.product);
  p.sku_path = p.base + "/skus/" + std::to_string(p.sku);
  ok(world.client(world.operator_())
         ->put(p.sku_path + "/market-reference-price",
               json({{"market_reference_price_fen", reference}}), kJson));
  return p;
}

// The SKU's entry in the pending queue (paged through: other tests' reviews may be ahead).
boost::json::object pending_review_of(CatalogWorld& world, std::int64_t sku) {
  auto op = world.client(world.operator_());
  std::string cursor;
  for (;;) {
    auto queue = ok(op->get("/v1/review/prices?limit=100" + cursor));
    for (const auto& item : queue.at("items").as_array()) {
      if (item.at("sku_id").as_int64() == sku) return item.as_object();
    }
    if (queue.at("next_cursor").is_null()) break;
    cursor = "&cursor=" + std::string(queue.at("next_cursor").as_string());
  }
  FAIL("no pending review for SKU " << sku);
  return {};
}

}  // namespace

TEST_CASE("a price beyond the margin is listed only after an approved justification",
          "[catalog][prices][review]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  auto staff = world.client(world.supplier_staff(supplier));
  auto op = world.client(world.operator_());
  // 12.00 against a reference of 10.00: 20 % above, the default margin is 10 %.
  const auto p = priced_product(world, supplier, 1200, 1000);
  ok(staff->post(p.base + "/submit", ""));
  ok(op->post(p.base + "/approve", ""));

  auto refused = staff->post(p.base + "/list", "");
  REQUIRE(refused.status == 409);
  const auto problem = refused.json();
  CHECK(std::string(problem.at("type").as_string()).ends_with("price-review-required"));
  CHECK(problem.at("allowed_margin_bp").as_int64() == 1000);
  CHECK(problem.at("skus").at(0).at("margin_bp").as_int64() == 2000);
  CHECK(ok(staff->get(p.base)).at("status") == "approved");

  // A justification: too short is a 422; the supplier files it; the queue shows the margin.
  CHECK(staff->post(p.sku_path + "/price-justification", json({{"justification", "贵"}}), kJson)
            .status == 422);
  auto filed =
      ok(staff->post(p.sku_path + "/price-justification",
                     json({{"justification", "有机认证小米，亩产低，人工除草成本高"}}), kJson),
         201);
  CHECK(filed.at("status") == "pending");
  auto queued = pending_review_of(world, p.sku);
  CHECK(queued.at("price_fen").as_int64() == 1200);
  CHECK(queued.at("market_reference_price_fen").as_int64() == 1000);
  CHECK(queued.at("margin_bp").as_int64() == 2000);
  CHECK(queued.at("allowed_margin_bp").as_int64() == 1000);
  CHECK(queued.at("justification") == "有机认证小米，亩产低，人工除草成本高");
  const auto review = "/v1/price-reviews/" + std::to_string(queued.at("id").as_int64());

  // Only operators decide; a rejection needs a reason; a decided review stays decided.
  CHECK(staff->post(review + "/approve", "").status == 403);
  CHECK(world.client(world.auditor())->post(review + "/approve", "").status == 403);
  CHECK(op->post(review + "/reject", "").status == 422);
  CHECK(staff->post(p.base + "/list", "").status == 409);  // still pending
  auto approved = ok(op->post(review + "/approve", ""));
  CHECK(approved.at("status") == "approved");
  CHECK(approved.at("decided_by_account_id").as_int64() == 900001);
  CHECK(op->post(review + "/reject", json({{"reason", "改主意了"}}), kJson).status == 409);
  CHECK(ok(staff->get(review)).at("status") == "approved");
  CHECK(ok(staff->post(p.base + "/list", "")).at("status") == "listed");

  // Listed: a higher price beyond the margin needs its own approval; nothing changes until then.
  auto raised = staff->patch(p.sku_path, json({{"price_fen", 1500}}), kJson);
  REQUIRE(raised.status == 409);
  CHECK(raised.json().at("skus").at(0).at("margin_bp").as_int64() == 5000);
  CHECK(ok(staff->get(p.base)).at("skus").at(0).at("price_fen").as_int64() == 1200);
  auto ahead =
      ok(staff->post(p.sku_path + "/price-justification",
                     json({{"justification", "今年旱灾减产，收购价上涨五成"}, {"price_fen", 1500}}),
                     kJson),
         201);
  CHECK(ahead.at("margin_bp").as_int64() == 5000);
  ok(op->post("/v1/price-reviews/" + std::to_string(ahead.at("id").as_int64()) + "/approve", ""));
  CHECK(ok(staff->patch(p.sku_path, json({{"price_fen", 1500}}), kJson))
            .at("skus")
            .at(0)
            .at("price_fen")
            .as_int64() == 1500);
  // Within the margin (exactly 10 % above) needs no review at all, and none can be filed.
  CHECK(ok(staff->patch(p.sku_path, json({{"price_fen", 1100}}), kJson))
            .at("skus")
            .at(0)
            .at("price_fen")
            .as_int64() == 1100);
  auto within = staff->post(p.sku_path + "/price-justification",
                            json({{"justification", "无需审核的价格说明"}}), kJson);
  CHECK(within.status == 409);
  CHECK(within.body.find("price-within-margin") != std::string::npos);
}

TEST_CASE("price reviews are the supplier's own and the queue is the reviewers'",
          "[catalog][prices][review]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto other = world.create_active_supplier(county);
  const auto p = priced_product(world, supplier, 2000, 1000);
  auto staff = world.client(world.supplier_staff(supplier));
  auto stranger = world.client(world.supplier_staff(other));
  const auto justify = json({{"justification", "手工石磨，产量有限"}});

  // Another supplier's staff cannot file for it (404: they cannot learn it exists).
  CHECK(stranger->post(p.sku_path + "/price-justification", justify, kJson).status == 404);
  auto first = ok(staff->post(p.sku_path + "/price-justification", justify, kJson), 201);
  // A second filing supersedes the first: one pending review per SKU.
  auto second = ok(staff->post(p.sku_path + "/price-justification", justify, kJson), 201);
  auto op = world.client(world.operator_());
  CHECK(
      ok(op->get("/v1/price-reviews/" + std::to_string(first.at("id").as_int64()))).at("status") ==
      "superseded");
  CHECK(pending_review_of(world, p.sku).at("id") == second.at("id"));
  const auto review = "/v1/price-reviews/" + std::to_string(second.at("id").as_int64());
  CHECK(stranger->get(review).status == 404);
  CHECK(world.client(world.officer(county))->get(review).status == 200);
  CHECK(staff->get("/v1/review/prices").status == 403);
  CHECK(world.client(world.auditor())->get("/v1/review/prices").status == 200);
  CHECK(op->get("/v1/review/prices?status=open").status == 422);
  // A rejection keeps the listing gate shut and records the reason.
  auto rejected = ok(op->post(review + "/reject", json({{"reason", "参考价已含有机溢价"}}), kJson));
  CHECK(rejected.at("decision_reason") == "参考价已含有机溢价");
  ok(staff->post(p.base + "/submit", ""));
  ok(op->post(p.base + "/approve", ""));
  CHECK(staff->post(p.base + "/list", "").status == 409);
  // Without a market reference there is nothing to justify.
  ok(op->put(p.sku_path + "/market-reference-price",
             json({{"market_reference_price_fen", nullptr}}), kJson));
  CHECK(staff->post(p.sku_path + "/price-justification", justify, kJson).status == 409);
  CHECK(ok(staff->post(p.base + "/list", "")).at("status") == "listed");
}
