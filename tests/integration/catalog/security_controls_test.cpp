// Application-level security controls of the catalog (issue 10, items 4, 5 and 7): a supplier's
// bank account changes only when an operator or finance other than the requester confirms it,
// and payouts read only confirmed accounts; the market reference price is the operator's, not
// the supplier's; product images are https only; free text is length-checked to 422.
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "catalog_fixture.hpp"

using namespace catalog_test;

namespace {

std::string first_error_field(const HttpResponse& response) {
  const auto body = response.json().as_object();
  if (!body.contains("errors") || body.at("errors").as_array().empty()) return "";
  return std::string(body.at("errors").as_array()[0].at("field").as_string());
}

// The payout account settlement would read (the published view), "" when none.
std::string payout_account(CatalogWorld& world, std::int64_t supplier_id) {
  return world.app().context().db().run_blocking([&](huicai::mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT bank_account_number FROM catalog_supplier_payout_account WHERE supplier_id = ?");
    auto row = huicai::mysql::query(huicai::mysql::bind(select, supplier_id));
    return row->next() ? huicai::mysql::get_string(*row, "bank_account_number") : std::string();
  });
}

// Audit entries written for one object ("supplier:12", "sku:34").
std::int64_t audit_events(CatalogWorld& world, const std::string& aggregate) {
  return world.app().context().db().run_blocking([&](huicai::mysql::Session& session) {
    auto& select = session.prepare(
        "SELECT COUNT(*) AS n FROM catalog_outbox WHERE event_type = 'audit.recorded.v1' AND "
        "aggregate_id = ?");
    auto row = huicai::mysql::query(huicai::mysql::bind(select, aggregate));
    row->next();
    return row->getInt64("n");
  });
}

Principal operator_with_id(std::uint64_t account_id) {
  auto who = principal(Role::operator_, account_id);
  return who;
}

std::string chars(std::size_t count, const std::string& one = "长") {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += one;
  return text;
}

}  // namespace

TEST_CASE("a supplier's bank account change waits for an operator or finance to confirm it",
          "[catalog][bank-account]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto base = "/v1/suppliers/" + std::to_string(supplier);
  auto staff = world.client(world.supplier_staff(supplier));
  auto finance = world.client(world.finance());
  auto op = world.client(world.operator_());

  // The application's account, confirmed by finance: now the payout account.
  auto applied = finance->get(base).json();
  const auto first_change = applied.at("pending_bank_account_change").at("id").as_int64();
  REQUIRE(
      finance->post(base + "/bank-account-changes/" + std::to_string(first_change) + "/confirm", "")
          .status == 200);
  CHECK(payout_account(world, supplier) == "6228480210009998887");

  // Supplier staff change the account number: 200, but the supplier keeps its confirmed
  // account (shown and paid), the new one waits.
  const auto audited = "supplier:" + std::to_string(supplier);
  const auto audits_before = audit_events(world, audited);
  auto edited =
      staff->patch(base, json({{"bank_account_number", "6222 0000 1111 2222 333"}}), kJson);
  INFO(edited.body);
  REQUIRE(edited.status == 200);
  const auto edited_body = edited.json();
  CHECK(edited_body.at("bank_account").at("account_number") == "**** **** 8887");
  const auto& pending = edited_body.at("pending_bank_account_change");
  REQUIRE(pending.is_object());
  CHECK(pending.at("account_number") == "**** **** 2333");
  CHECK(pending.at("bank_name") == "中国农业银行");  // kept from the confirmed account
  const auto change = std::to_string(pending.at("id").as_int64());
  CHECK(finance->get(base).json().at("bank_account").at("account_number") == "6228480210009998887");
  CHECK(payout_account(world, supplier) == "6228480210009998887");
  CHECK(audit_events(world, audited) == audits_before + 1);  // audited, staff or not

  // Supplier staff cannot decide; an operator who asked for a change cannot confirm their own.
  const auto confirm = base + "/bank-account-changes/" + change + "/confirm";
  CHECK(staff->post(confirm, "").status == 403);
  auto requester = world.client(operator_with_id(900111));
  auto own = requester->patch(base, json({{"bank_account_name", "改名合作社"}}), kJson);
  REQUIRE(own.status == 200);
  const auto own_change =
      std::to_string(own.json().at("pending_bank_account_change").at("id").as_int64());
  // The staff's request was superseded by the operator's (one pending change at a time).
  CHECK(op->post(confirm, "").status == 409);
  auto self_confirm =
      requester->post(base + "/bank-account-changes/" + own_change + "/confirm", "");
  INFO(self_confirm.body);
  CHECK(self_confirm.status == 403);
  CHECK(self_confirm.json().at("type").as_string().ends_with("/four-eyes"));
  CHECK(payout_account(world, supplier) == "6228480210009998887");

  // Rejecting needs a reason; a rejected change is final.
  const auto reject = base + "/bank-account-changes/" + own_change + "/reject";
  CHECK(finance->post(reject, "{}", kJson).status == 422);
  auto rejected = finance->post(reject, json({{"reason", "户名与营业执照不符"}}), kJson);
  REQUIRE(rejected.status == 200);
  CHECK(rejected.json().at("pending_bank_account_change").is_null());
  CHECK(finance->post(base + "/bank-account-changes/" + own_change + "/confirm", "").status == 409);

  // A new request by staff, confirmed by the operator: it becomes the account settlement pays.
  auto again = staff->patch(
      base, json({{"bank_name", "中国工商银行"}, {"bank_account_number", "6222000011112222333"}}),
      kJson);
  REQUIRE(again.status == 200);
  const auto last =
      std::to_string(again.json().at("pending_bank_account_change").at("id").as_int64());
  auto confirmed = op->post(base + "/bank-account-changes/" + last + "/confirm", "");
  INFO(confirmed.body);
  REQUIRE(confirmed.status == 200);
  CHECK(confirmed.json().at("bank_account").at("bank_name") == "中国工商银行");
  CHECK(confirmed.json().at("bank_account").at("confirmed") == true);
  CHECK(payout_account(world, supplier) == "6222000011112222333");
  CHECK(op->post(base + "/bank-account-changes/" + last + "/confirm", "").status == 409);

  // The history, newest last, for the supplier's own staff too (masked).
  auto history = staff->get(base + "/bank-account-changes");
  REQUIRE(history.status == 200);
  std::vector<std::string> statuses;
  const auto history_body = history.json();
  for (const auto& item : history_body.at("items").as_array()) {
    statuses.emplace_back(item.at("status").as_string());
  }
  CHECK(statuses == std::vector<std::string>{"confirmed", "superseded", "rejected", "confirmed"});
}

TEST_CASE("the market reference price is set by operators, not by the supplier",
          "[catalog][prices]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  auto staff = world.client(world.supplier_staff(supplier));
  auto op = world.client(world.operator_());

  // The supplier cannot set it when creating a product...
  auto with_reference = staff->post(
      "/v1/products",
      json({{"title", unique("比价小米")},
            {"category_id", category},
            {"skus",
             boost::json::array{boost::json::object{{"spec", "1kg"},
                                                    {"sale_unit", "袋"},
                                                    {"net_weight_grams", 1000},
                                                    {"price_fen", 5000},
                                                    {"market_reference_price_fen", 99999}}}}}),
      kJson);
  INFO(with_reference.body);
  CHECK(with_reference.status == 422);
  CHECK(first_error_field(with_reference) == "skus[0].market_reference_price_fen");

  // ...nor when adding or changing a SKU (not even clearing it).
  auto product = world.create_product(supplier, unique("比价红枣"), 5000, category);
  const auto base = "/v1/products/" + std::to_string(product.at("id").as_int64());
  const auto sku_id = product.at("skus").as_array()[0].at("id").as_int64();
  const auto sku = base + "/skus/" + std::to_string(sku_id);
  CHECK(product.at("skus").as_array()[0].at("market_reference_price_fen") == 5100);
  for (const std::string body :
       {R"({"market_reference_price_fen":99999})", R"({"market_reference_price_fen":null})",
        R"({"price_fen":5200,"market_reference_price_fen":99999})"}) {
    auto refused = staff->patch(sku, body, kJson);
    INFO(body << ": " << refused.body);
    CHECK(refused.status == 422);
    CHECK(first_error_field(refused) == "market_reference_price_fen");
  }
  auto added = staff->post(base + "/skus",
                           json({{"spec", "2kg"},
                                 {"sale_unit", "袋"},
                                 {"net_weight_grams", 2000},
                                 {"price_fen", 9000},
                                 {"market_reference_price_fen", 99999}}),
                           kJson);
  CHECK(added.status == 422);
  auto unchanged = staff->get(base).json();
  CHECK(unchanged.at("skus").as_array().size() == 1);
  CHECK(unchanged.at("skus").as_array()[0].at("price_fen") == 5000);
  CHECK(unchanged.at("skus").as_array()[0].at("market_reference_price_fen") == 5100);

  // The operator's route sets it (audited, version bumped); the supplier may not call it.
  const auto route = sku + "/market-reference-price";
  CHECK(staff->put(route, json({{"market_reference_price_fen", 99999}}), kJson).status == 403);
  const auto audited = "sku:" + std::to_string(sku_id);
  const auto audits_before = audit_events(world, audited);
  auto set = op->put(route, json({{"market_reference_price_fen", 4800}}), kJson);
  INFO(set.body);
  REQUIRE(set.status == 200);
  CHECK(set.json().at("skus").as_array()[0].at("market_reference_price_fen") == 4800);
  CHECK(set.json().at("skus").as_array()[0].at("above_market_reference") == true);
  CHECK(set.json().at("version").as_int64() > unchanged.at("version").as_int64());
  CHECK(audit_events(world, audited) == audits_before + 1);
  auto cleared = op->put(route, R"({"market_reference_price_fen":null})", kJson);
  REQUIRE(cleared.status == 200);
  CHECK(cleared.json().at("skus").as_array()[0].at("market_reference_price_fen").is_null());
  CHECK(op->put(route, "{}", kJson).status == 422);
  CHECK(op->put(base + "/skus/987654321/market-reference-price",
                json({{"market_reference_price_fen", 100}}), kJson)
            .status == 404);
}

TEST_CASE("product images are https URLs only", "[catalog][validation]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto category = world.category_id("grain-millet");
  auto staff = world.client(world.supplier_staff(supplier));
  for (const char* url :
       {"http://img.example.com/a.jpg", "javascript:alert(1)", "data:image/png;base64,AAAA",
        "https://", "//img.example.com/a.jpg", "https://img.example.com/a\"onerror=\"x.jpg"}) {
    auto response = staff->post(
        "/v1/products",
        json({{"title", unique("图片小米")},
              {"category_id", category},
              {"image_urls", boost::json::array{url}},
              {"skus", boost::json::array{boost::json::object{{"spec", "1kg"},
                                                              {"sale_unit", "袋"},
                                                              {"net_weight_grams", 1000},
                                                              {"price_fen", 5000}}}}}),
        kJson);
    INFO(url << ": " << response.body);
    CHECK(response.status == 422);
    CHECK(first_error_field(response) == "image_urls[0]");
  }
  auto list = staff->get("/v1/suppliers/" + std::to_string(supplier) + "/products");
  CHECK(list.json().at("items").as_array().empty());
}

TEST_CASE("catalog free text longer than its column is a 422 naming the field",
          "[catalog][validation]") {
  CatalogWorld world;
  const auto county = world.create_county();
  const auto supplier = world.create_active_supplier(county);
  const auto base = "/v1/suppliers/" + std::to_string(supplier);
  auto staff = world.client(world.supplier_staff(supplier));
  auto op = world.client(world.operator_());
  auto before = op->get(base).json();
  struct Case {
    std::string field;
    std::function<HttpResponse()> send;
  };
  const std::vector<Case> cases = {
      {"name",
       [&] {
         return staff->patch(base, json({{"name", chars(129)}}), kJson);
       }},
      {"contact_name",
       [&] {
         return staff->patch(base, json({{"contact_name", chars(65)}}), kJson);
       }},
      {"address",
       [&] {
         return staff->patch(base, json({{"address", chars(256)}}), kJson);
       }},
      {"bank_name",
       [&] {
         return staff->patch(base, json({{"bank_name", chars(129)}}), kJson);
       }},
      {"bank_account_name",
       [&] {
         return staff->patch(base, json({{"bank_account_name", chars(129)}}), kJson);
       }},
      {"reason",
       [&] {
         return op->post(base + "/suspend", json({{"reason", chars(501)}}), kJson);
       }},
      {"reason",
       [&] {
         return op->post(base + "/bank-account-changes/1/reject", json({{"reason", chars(501)}}),
                         kJson);
       }},
  };
  for (const auto& test : cases) {
    auto response = test.send();
    INFO(test.field << ": " << response.body);
    CHECK(response.status == 422);
    CHECK(first_error_field(response) == test.field);
  }
  auto after = op->get(base).json();
  CHECK(after.at("version") == before.at("version"));
  CHECK(after.at("status") == "active");
}
