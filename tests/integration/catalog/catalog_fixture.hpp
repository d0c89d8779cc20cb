#pragma once
// Shared by the catalog integration tests: a running app with the catalog, tokens minted for
// principals of each role (auth::TokenService::issue_access, no identity needed), and small
// helpers that create a county, an active supplier and listed products through the API.
// Names carry a per-run random suffix so the tests pass run twice on one database.

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <huicai/catalog/service.hpp>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "http_client.hpp"
#include "test_app.hpp"

namespace catalog_test {

using huicai::auth::Principal;
using huicai::auth::Role;
using huicai::test::HttpClient;
using huicai::test::HttpResponse;

inline std::string run_suffix() {
  static const std::string suffix = [] {
    std::random_device device;
    return std::to_string(device() % 900000 + 100000);
  }();
  return suffix;
}

inline std::string unique(const std::string& base) {
  static std::atomic<int> counter{0};
  return base + run_suffix() + "-" + std::to_string(++counter);
}

inline std::string json(const boost::json::value& value) {
  return boost::json::serialize(value);
}

inline Principal principal(Role role, std::uint64_t account_id) {
  Principal who;
  who.account_id = account_id;
  who.login = "test." + std::string(huicai::auth::to_string(role));
  who.roles = {role};
  who.token_id = unique("tok");
  return who;
}

class CatalogWorld {
 public:
  CatalogWorld() : app_(std::make_unique<huicai::test::TestApp>(services())) {}
  explicit CatalogWorld(std::unique_ptr<huicai::test::TestApp> app) : app_(std::move(app)) {}

  static std::vector<huicai::app::ServiceEntry> services() {
    return {huicai::catalog::service_entry()};
  }

  huicai::test::TestApp& app() { return *app_; }

  std::string token(const Principal& who) {
    return app_->context().tokens().issue_access(who).token;
  }
  std::unique_ptr<HttpClient> client(const Principal& who) {
    auto http = std::make_unique<HttpClient>("127.0.0.1", app_->port());
    http->set_bearer_token(token(who));
    return http;
  }

  Principal operator_() { return principal(Role::operator_, 900001); }
  Principal buyer() { return principal(Role::employee, 900002); }
  Principal finance() { return principal(Role::finance, 900003); }
  Principal auditor() { return principal(Role::auditor, 900004); }
  Principal officer(std::int64_t county_id) {
    auto who = principal(Role::county_officer, 900005);
    who.county_id = static_cast<std::uint64_t>(county_id);
    return who;
  }
  Principal supplier_staff(std::int64_t supplier_id) {
    auto who = principal(Role::supplier_staff, 900006);
    who.supplier_id = static_cast<std::uint64_t>(supplier_id);
    return who;
  }

  // A fresh county, created by the operator.
  std::int64_t create_county() {
    auto http = client(operator_());
    const auto code = unique("T");
    auto response = http->post("/v1/counties",
                               json({{"code", code.substr(0, 12)},
                                     {"name", "测试县" + code},
                                     {"province", "陕西省"},
                                     {"prefecture", "榆林市"},
                                     {"assistance_kind", "designated"},
                                     {"old_revolutionary_area", true}}),
                               {{"content-type", "application/json"}});
    INFO(response.body);
    REQUIRE(response.status == 201);
    return response.json().at("id").as_int64();
  }

  // A supplier taken through the whole onboarding: apply, recommend, approve.
  std::int64_t create_active_supplier(std::int64_t county_id) {
    auto officer_http = client(officer(county_id));
    auto applied = officer_http->post("/v1/suppliers",
                                      json({{"name", unique("测试合作社")},
                                            {"kind", "cooperative"},
                                            {"county_id", county_id},
                                            {"contact_name", "王五"},
                                            {"contact_phone", "0912-1234567"},
                                            {"bank_name", "中国农业银行"},
                                            {"bank_account_name", "测试合作社"},
                                            {"bank_account_number", "6228480210009998887"}}),
                                      {{"content-type", "application/json"}});
    INFO(applied.body);
    REQUIRE(applied.status == 201);
    const auto id = applied.json().at("id").as_int64();
    const auto base = "/v1/suppliers/" + std::to_string(id);
    REQUIRE(officer_http->post(base + "/recommend", "").status == 200);
    REQUIRE(client(operator_())->post(base + "/approve", "").status == 200);
    return id;
  }

  std::int64_t category_id(const std::string& code) {
    auto http = client(buyer());
    auto response = http->get("/v1/categories");
    REQUIRE(response.status == 200);
    std::function<std::int64_t(const boost::json::array&)> find =
        [&](const boost::json::array& nodes) -> std::int64_t {
      for (const auto& node : nodes) {
        if (node.at("code").as_string() == code) return node.at("id").as_int64();
        if (auto id = find(node.at("children").as_array())) return id;
      }
      return 0;
    };
    if (auto id = find(response.json().at("items").as_array())) return id;
    auto created = client(operator_())
                       ->post("/v1/categories", json({{"code", code}, {"name", code}}),
                              {{"content-type", "application/json"}});
    REQUIRE(created.status == 201);
    return created.json().at("id").as_int64();
  }

  // A new category (as the operator), under `parent` when given.
  std::int64_t create_category(const std::string& code, std::optional<std::int64_t> parent = {}) {
    boost::json::object body{{"code", code}, {"name", "类" + code}};
    if (parent) body["parent_id"] = *parent;
    auto created = client(operator_())
                       ->post("/v1/categories", boost::json::serialize(body),
                              {{"content-type", "application/json"}});
    INFO(created.body);
    REQUIRE(created.status == 201);
    return created.json().at("id").as_int64();
  }

  // A value for each required attribute of the category (the first choice, the lowest number
  // of at least 1, a fixed text), as a SKU's "attributes" object.
  boost::json::object required_attributes(std::int64_t category) {
    auto response =
        client(buyer())->get("/v1/categories/" + std::to_string(category) + "/attributes");
    INFO(response.body);
    REQUIRE(response.status == 200);
    boost::json::object values;
    const auto body = response.json();  // kept: the loop borrows from it
    for (const auto& item : body.at("items").as_array()) {
      const auto& attribute = item.as_object();
      if (!attribute.at("required").as_bool()) continue;
      const auto code = attribute.at("code").as_string();
      const auto type = attribute.at("type").as_string();
      if (type == "enum") {
        values[code] = attribute.at("values").as_array().at(0);
      } else if (type == "int") {
        values[code] = std::max<std::int64_t>(1, attribute.at("min").as_int64());
      } else {
        values[code] = "测试值";
      }
    }
    return values;
  }

  // Creates a draft product with one SKU at `price_fen` (as the supplier's staff), whose market
  // reference price the operator then sets 100 fen above it. Returns the product as it is then.
  boost::json::object create_product(std::int64_t supplier_id, const std::string& title,
                                     std::int64_t price_fen, std::int64_t category) {
    const auto attributes = required_attributes(category);
    auto http = client(supplier_staff(supplier_id));
    auto response = http->post(
        "/v1/products",
        json({{"title", title},
              {"description", "测试商品"},
              {"category_id", category},
              {"image_urls", boost::json::array{"https://img.huicai.dev/t.jpg"}},
              {"skus", boost::json::array{boost::json::object{{"spec", "1kg"},
                                                              {"sale_unit", "袋"},
                                                              {"net_weight_grams", 1000},
                                                              {"price_fen", price_fen},
                                                              {"attributes", attributes}}}}}),
        {{"content-type", "application/json"}});
    INFO(response.body);
    REQUIRE(response.status == 201);
    const auto created = response.json().as_object();
    const auto sku_id = created.at("skus").as_array()[0].at("id").as_int64();
    auto reference = client(operator_())
                         ->put("/v1/products/" + std::to_string(created.at("id").as_int64()) +
                                   "/skus/" + std::to_string(sku_id) + "/market-reference-price",
                               json({{"market_reference_price_fen", price_fen + 100}}),
                               {{"content-type", "application/json"}});
    INFO(reference.body);
    REQUIRE(reference.status == 200);
    return reference.json().as_object();
  }

  // Draft -> submitted -> approved -> listed.
  void list_product(std::int64_t supplier_id, std::int64_t product_id) {
    const auto base = "/v1/products/" + std::to_string(product_id);
    auto staff = client(supplier_staff(supplier_id));
    auto op = client(operator_());
    REQUIRE(staff->post(base + "/submit", "").status == 200);
    REQUIRE(op->post(base + "/approve", "").status == 200);
    auto listed = staff->post(base + "/list", "");
    INFO(listed.body);
    REQUIRE(listed.status == 200);
  }

  std::int64_t listed_product(std::int64_t supplier_id, const std::string& title,
                              std::int64_t price_fen, std::int64_t category) {
    auto product = create_product(supplier_id, title, price_fen, category);
    const auto id = product.at("id").as_int64();
    list_product(supplier_id, id);
    return id;
  }

 private:
  std::unique_ptr<huicai::test::TestApp> app_;
};

inline const huicai::test::HeaderList kJson = {{"content-type", "application/json"}};

}  // namespace catalog_test
