// Onboarding, listing review, certification and ownership rules, with cross-tenant attempts.
#include <set>

#include "catalog_fixture.hpp"

using namespace catalog_test;

TEST_CASE("supplier onboarding: apply, recommend, approve, with officers acting in their county",
          "[catalog][suppliers]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto other_county = world.create_county();
  auto officer = world.client(world.officer(county));
  auto stranger_officer = world.client(world.officer(other_county));
  auto op = world.client(world.operator_());

  const auto body = json({{"name", unique("米脂测试合作社")},
                          {"kind", "cooperative"},
                          {"county_id", county},
                          {"contact_name", "李四"},
                          {"contact_phone", "13800000000"},
                          {"bank_account_number", "6228 4802 1000 5555 123"}});
  // An officer of another county cannot apply for this county's cooperative.
  CHECK(stranger_officer->post("/v1/suppliers", body, kJson).status == 403);
  auto applied = officer->post("/v1/suppliers", body, kJson);
  REQUIRE(applied.status == 201);
  CHECK(applied.json().at("status") == "applied");
  const auto base = "/v1/suppliers/" + std::to_string(applied.json().at("id").as_int64());

  // Operator cannot approve before the recommendation; the other county's officer cannot
  // recommend (and does not even see it).
  CHECK(op->post(base + "/approve", "").status == 409);
  CHECK(stranger_officer->post(base + "/recommend", "").status == 404);
  CHECK(stranger_officer->get(base).status == 404);
  CHECK(officer->post(base + "/recommend", "").status == 200);
  // Only operators approve.
  CHECK(officer->post(base + "/approve", "").status == 403);
  auto approved = op->post(base + "/approve", "");
  REQUIRE(approved.status == 200);
  CHECK(approved.json().at("status") == "active");

  // Suspension needs a reason; every invalid field is named.
  auto no_reason = op->post(base + "/suspend", "{}", kJson);
  CHECK(no_reason.status == 422);
  auto suspended = op->post(base + "/suspend", json({{"reason", "质量抽检不合格"}}), kJson);
  CHECK(suspended.status == 200);
  CHECK(suspended.json().at("status_reason") == "质量抽检不合格");
  CHECK(op->post(base + "/reinstate", "").status == 200);

  // Bank account: the one given with the application waits for finance's confirmation (four
  // eyes), then is the supplier's account; masked for everyone but finance.
  auto pending = op->get(base);
  CHECK(pending.json().at("bank_account").at("account_number").is_null());
  const auto change_id = pending.json().at("pending_bank_account_change").at("id").as_int64();
  CHECK(pending.json().at("pending_bank_account_change").at("account_number") == "**** **** 5123");
  REQUIRE(world.client(world.finance())
              ->post(base + "/bank-account-changes/" + std::to_string(change_id) + "/confirm", "")
              .status == 200);
  auto masked = op->get(base);
  CHECK(masked.json().at("bank_account").at("account_number") == "**** **** 5123");
  auto finance = world.client(world.finance())->get(base);
  CHECK(finance.json().at("bank_account").at("account_number") == "6228 4802 1000 5555 123");
  // Buyers have no business with supplier records.
  CHECK(world.client(world.buyer())->get(base).status == 403);
}

TEST_CASE("rejecting an application needs a reason and ends onboarding", "[catalog][suppliers]") {
  CatalogWorld world;
  const auto county = world.create_county();
  auto officer = world.client(world.officer(county));
  auto op = world.client(world.operator_());
  auto applied = officer->post("/v1/suppliers",
                               json({{"name", unique("退回测试社")},
                                     {"kind", "family_farm"},
                                     {"county_id", county},
                                     {"contact_name", "赵六"},
                                     {"contact_phone", "13900000000"}}),
                               kJson);
  REQUIRE(applied.status == 201);
  const auto base = "/v1/suppliers/" + std::to_string(applied.json().at("id").as_int64());
  CHECK(op->post(base + "/reject", "").status == 422);
  auto rejected = op->post(base + "/reject", json({{"reason", "材料不全"}}), kJson);
  REQUIRE(rejected.status == 200);
  CHECK(rejected.json().at("status") == "rejected");
  CHECK(officer->post(base + "/recommend", "").status == 409);
}

TEST_CASE("listing workflow: draft, submitted, rejected, resubmitted, approved, listed, delisted",
          "[catalog][listing]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  auto product = world.create_product(supplier, unique("工作流小米"), 3980, category);
  const auto id = product.at("id").as_int64();
  const auto base = "/v1/products/" + std::to_string(id);
  CHECK(product.at("status") == "draft");

  auto staff = world.client(world.supplier_staff(supplier));
  auto op = world.client(world.operator_());
  auto buyer = world.client(world.buyer());

  // Buyers never see unlisted products; the owner does.
  CHECK(buyer->get(base).status == 404);
  CHECK(staff->get(base).status == 200);
  // Listing straight from draft is not a transition.
  CHECK(staff->post(base + "/list", "").status == 409);
  CHECK(staff->post(base + "/submit", "").status == 200);
  // Supplier staff do not review their own products.
  CHECK(staff->post(base + "/approve", "").status == 403);
  CHECK(op->post(base + "/reject", "").status == 422);
  auto rejected = op->post(base + "/reject", json({{"reason", "图片不清晰"}}), kJson);
  REQUIRE(rejected.status == 200);
  CHECK(rejected.json().at("status") == "rejected");
  CHECK(rejected.json().at("status_reason") == "图片不清晰");
  // Fix and resubmit.
  auto edited = staff->patch(base, json({{"description", "新图片"}}), kJson);
  REQUIRE(edited.status == 200);
  CHECK(staff->post(base + "/submit", "").status == 200);
  CHECK(op->post(base + "/approve", "").status == 200);
  auto listed = staff->post(base + "/list", "");
  REQUIRE(listed.status == 200);
  CHECK(listed.json().at("status") == "listed");
  // Listed products cannot be edited in place.
  CHECK(staff->patch(base, json({{"title", unique("改名")}}), kJson).status == 409);
  CHECK(buyer->get(base).status == 200);
  auto delisted = op->post(base + "/delist", json({{"reason", "季节性下架"}}), kJson);
  REQUIRE(delisted.status == 200);
  CHECK(buyer->get(base).status == 404);

  // Review queue shows submitted products to operators and auditors only.
  CHECK(world.client(world.auditor())->get("/v1/review/products").status == 200);
  CHECK(buyer->get("/v1/review/products").status == 403);
}

TEST_CASE("supplier staff manage only their own supplier's products", "[catalog][ownership]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto mine = world.create_active_supplier(county);
  const auto theirs = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  const auto product = world.create_product(theirs, unique("别人的小米"), 2000, category);
  const auto base = "/v1/products/" + std::to_string(product.at("id").as_int64());
  const auto sku = product.at("skus").as_array()[0].at("id").as_int64();

  auto intruder = world.client(world.supplier_staff(mine));
  // 404, not 403: other suppliers cannot even learn the product exists.
  CHECK(intruder->get(base).status == 404);
  CHECK(intruder->patch(base, json({{"title", "抢注"}}), kJson).status == 404);
  CHECK(intruder->post(base + "/submit", "").status == 404);
  CHECK(intruder->patch(base + "/skus/" + std::to_string(sku), json({{"price_fen", 1}}), kJson)
            .status == 404);
  CHECK(intruder->get(base + "/price-history").status == 404);
  CHECK(intruder->get("/v1/suppliers/" + std::to_string(theirs) + "/products").status == 404);
  // Their own list is fine.
  CHECK(intruder->get("/v1/suppliers/" + std::to_string(mine) + "/products").status == 200);
  // A buyer cannot create products at all.
  CHECK(world.client(world.buyer())->post("/v1/products", "{}", kJson).status == 403);
}

TEST_CASE("county officers certify products of their own county only", "[catalog][certification]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto other_county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  const auto product_id = world.listed_product(supplier, unique("认证小米"), 2500, category);
  const auto body = json({{"certificate_number", unique("CERT")},
                          {"issuing_body", "测试县乡村振兴局"},
                          {"scope", "product"},
                          {"target_id", product_id},
                          {"valid_from", "2025-01-01"},
                          {"valid_to", "2030-12-31"}});
  CHECK(world.client(world.officer(other_county))->post("/v1/certifications", body, kJson).status ==
        403);
  auto officer = world.client(world.officer(county));
  auto created = officer->post("/v1/certifications", body, kJson);
  INFO(created.body);
  REQUIRE(created.status == 201);
  CHECK(created.json().at("valid_today") == true);
  // The same certificate twice is a conflict.
  CHECK(officer->post("/v1/certifications", body, kJson).status == 409);

  // The product now shows as certified to buyers.
  auto buyer = world.client(world.buyer());
  auto detail = buyer->get("/v1/products/" + std::to_string(product_id));
  REQUIRE(detail.status == 200);
  CHECK(detail.json().at("certified") == true);
  CHECK(detail.json().at("certification").at("certificate_number") ==
        created.json().at("certificate_number"));

  // Reversed dates and an unknown target are both listed in one 422.
  auto bad = officer->post("/v1/certifications",
                           json({{"certificate_number", unique("CERT")},
                                 {"issuing_body", "测试县乡村振兴局"},
                                 {"scope", "product"},
                                 {"target_id", product_id},
                                 {"valid_from", "2030-01-01"},
                                 {"valid_to", "2025-01-01"}}),
                           kJson);
  CHECK(bad.status == 422);
  CHECK(bad.body.find("valid_to") != std::string::npos);

  const auto cert = "/v1/certifications/" + std::to_string(created.json().at("id").as_int64());
  CHECK(world.client(world.officer(other_county))
            ->post(cert + "/revoke", json({{"reason", "x撤销"}}), kJson)
            .status == 404);
  auto revoked = officer->post(cert + "/revoke", json({{"reason", "证书到期前撤销"}}), kJson);
  REQUIRE(revoked.status == 200);
  CHECK(revoked.json().at("status") == "revoked");
  auto after = buyer->get("/v1/products/" + std::to_string(product_id));
  CHECK(after.json().at("certified") == false);
}

TEST_CASE("a stale If-Match is refused with 412 and changes nothing", "[catalog][etag]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  auto product = world.create_product(supplier, unique("并发小米"), 3000, category);
  const auto base = "/v1/products/" + std::to_string(product.at("id").as_int64());
  auto staff = world.client(world.supplier_staff(supplier));

  auto first = staff->get(base);
  const auto etag = first.header("etag");
  REQUIRE_FALSE(etag.empty());
  // Someone else edits first.
  auto other = staff->patch(base, json({{"description", "A"}}),
                            {{"content-type", "application/json"}, {"if-match", etag}});
  REQUIRE(other.status == 200);
  // Our edit, based on the old tag, is refused.
  auto stale = staff->patch(base, json({{"description", "B"}}),
                            {{"content-type", "application/json"}, {"if-match", etag}});
  CHECK(stale.status == 412);
  CHECK(staff->get(base).json().at("description") == "A");
  // A SKU change with the stale tag is refused too; with the fresh one it passes.
  const auto sku = "/skus/" + std::to_string(product.at("skus").as_array()[0].at("id").as_int64());
  CHECK(staff
            ->patch(base + sku, json({{"price_fen", 3100}}),
                    {{"content-type", "application/json"}, {"if-match", etag}})
            .status == 412);
  CHECK(staff
            ->patch(base + sku, json({{"price_fen", 3100}}),
                    {{"content-type", "application/json"}, {"if-match", other.header("etag")}})
            .status == 200);
  // Transitions honour If-Match as well.
  CHECK(staff->post(base + "/submit", "", {{"if-match", etag}}).status == 412);
}

TEST_CASE("one 422 lists every invalid field and nothing is written", "[catalog][validation]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  auto staff = world.client(world.supplier_staff(supplier));
  std::string long_title;
  for (int i = 0; i < 61; ++i) long_title += "米";
  const std::string title_prefix = unique("坏");
  const std::string body = "{\"title\": \"" + long_title +
                           "\", \"description\": \"\xff\xfe\", \"category_id\": 999999999,"
                           "\"origin_county_id\": 999999999,"
                           "\"skus\": [{\"spec\": \"a\", \"sale_unit\": \"袋\", "
                           "\"net_weight_grams\": 0, \"price_fen\": -1},"
                           "{\"spec\": \"b\", \"sale_unit\": \"袋\", \"net_weight_grams\": 500, "
                           "\"price_fen\": 999999999}]}";
  auto response = staff->post("/v1/products", body, kJson);
  INFO(response.body);
  REQUIRE(response.status == 422);
  CHECK(response.header("content-type").find("problem+json") != std::string::npos);
  std::set<std::string> fields;
  const auto problem = response.json();
  for (const auto& error : problem.at("errors").as_array()) {
    fields.insert(std::string(error.at("field").as_string()));
  }
  for (const char* field : {"title", "description", "category_id", "origin_county_id",
                            "skus[0].net_weight_grams", "skus[0].price_fen", "skus[1].price_fen"}) {
    INFO(field);
    CHECK(fields.count(field) == 1);
  }
  auto list = staff->get("/v1/suppliers/" + std::to_string(supplier) + "/products");
  CHECK(list.json().at("items").as_array().empty());
}

TEST_CASE("every price change is kept in the history", "[catalog][prices]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  auto product = world.create_product(supplier, unique("调价小米"), 1000, category);
  const auto base = "/v1/products/" + std::to_string(product.at("id").as_int64());
  const auto sku =
      base + "/skus/" + std::to_string(product.at("skus").as_array()[0].at("id").as_int64());
  auto staff = world.client(world.supplier_staff(supplier));
  REQUIRE(staff->patch(sku, json({{"price_fen", 1100}}), kJson).status == 200);
  REQUIRE(staff->patch(sku, json({{"price_fen", 1050}}), kJson).status == 200);
  // Not a price change: no history row.
  REQUIRE(staff->patch(sku, json({{"spec", "1kg 装"}}), kJson).status == 200);
  auto history = staff->get(base + "/price-history");
  REQUIRE(history.status == 200);
  const auto history_body = history.json();
  const auto& items = history_body.at("items").as_array();
  REQUIRE(items.size() == 3);
  CHECK(items[0].at("old_price_fen").is_null());
  CHECK(items[0].at("new_price_fen") == 1000);
  CHECK(items[1].at("old_price_fen") == 1000);
  CHECK(items[1].at("new_price_fen") == 1100);
  CHECK(items[2].at("old_price_fen") == 1100);
  CHECK(items[2].at("new_price_fen") == 1050);
  // The orderable view (ordering's contract) shows the new price.
  auto detail = staff->get(base);
  CHECK(detail.json().at("min_price_fen") == 1050);
  CHECK(detail.json().at("skus").as_array()[0].at("above_market_reference") == false);
}

TEST_CASE("a supplier application lists an unknown county with the other bad fields",
          "[catalog][validation]") {
  CatalogWorld world;
  auto op = world.client(world.operator_());
  auto response = op->post("/v1/suppliers",
                           json({{"name", unique("无县合作社")},
                                 {"kind", "collective"},
                                 {"county_id", 987654321},
                                 {"contact_name", "钱七"},
                                 {"contact_phone", "call me"},
                                 {"bank_account_number", "12-AB"}}),
                           kJson);
  INFO(response.body);
  REQUIRE(response.status == 422);
  for (const char* field : {"kind", "county_id", "contact_phone", "bank_account_number"}) {
    INFO(field);
    CHECK(response.body.find(std::string("\"") + field + "\"") != std::string::npos);
  }
}
