// Matrix fixtures for the catalog routes: how each route is called on an object of a given
// tenant (county, supplier, product, SKU, certification). See authorization_matrix.hpp; the
// tenant's rows come from catalog_matrix_tenant.hpp.
#include <sodium.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <huicai/core/http/message.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "catalog_matrix_tenant.hpp"
#include "test_app.hpp"

using namespace huicai;
using huicai::http::Method;
namespace matrix = huicai::test::matrix;

namespace huicai::test::matrix {

std::int64_t insert_row(MatrixEnv& env, const std::string& sql) {
  return env.app.context().db().run_blocking(
      [&](mysql::Session& session) -> std::int64_t {
        session.execute_direct(sql);
        auto& last = session.prepare("SELECT LAST_INSERT_ID()");
        auto row = mysql::query(last);
        row->next();
        return row->getInt64(1);
      },
      true);
}

std::int64_t extra_id(const Tenant& tenant, const std::string& key) {
  const auto found = tenant.extra.find(key);
  INFO("tenant " << tenant.name << " has no " << key << " (tenant setup missing?)");
  REQUIRE(found != tenant.extra.end());
  return std::stoll(found->second);
}

void ensure_catalog_tenant(MatrixEnv& env, Tenant& tenant) {
  if (tenant.extra.count("sku_id")) return;  // the ordering setup may have asked first
  // County codes are at most 12 characters: "m" and up to 10 random digits.
  const std::string code = "m" + std::to_string(randombytes_uniform(2'000'000'000));
  const std::string s = env.unique(tenant.name);
  const auto id = [](std::int64_t value) { return std::to_string(value); };
  const auto county = insert_row(
      env,
      "INSERT INTO catalog_counties (code, name, province, prefecture, assistance_kind) VALUES ('" +
          code + "', '矩阵县" + s + "', '陕西省', '榆林市', 'designated')");
  const auto category = insert_row(env,
                                   "INSERT INTO catalog_categories (code, name, path) VALUES "
                                   "('" +
                                       code + "', '矩阵" + code + "', '/" + code + "/')");
  const auto supplier = [&](const std::string& name, const std::string& status) {
    return insert_row(env,
                      "INSERT INTO catalog_suppliers (county_id, name, kind, status, contact_name, "
                      "contact_phone) VALUES (" +
                          id(county) + ", '" + name + s + "', 'cooperative', '" + status +
                          "', '张三', '13800000000')");
  };
  const auto product = [&](std::int64_t supplier_id, const std::string& title,
                           const std::string& status) {
    const auto product_id = insert_row(
        env,
        "INSERT INTO catalog_products (supplier_id, county_id, category_id, title, status) "
        "VALUES (" +
            id(supplier_id) + ", " + id(county) + ", " + id(category) + ", '" + title + s + "', '" +
            status + "')");
    const auto sku_id = insert_row(
        env,
        "INSERT INTO catalog_skus (product_id, spec, sale_unit, net_weight_grams, price_fen) "
        "VALUES (" +
            id(product_id) + ", '标准装', '袋', 5000, 2999)");
    return std::make_pair(product_id, sku_id);
  };
  const auto active = supplier("矩阵合作社", "active");
  const auto [listed, sku] = product(active, "矩阵小米", "listed");
  const auto workflow_supplier = supplier("矩阵申请社", "applied");
  const auto [draft, draft_sku] = product(active, "矩阵红枣", "draft");
  const auto certification = insert_row(
      env,
      "INSERT INTO catalog_certifications (certificate_number, issuing_body, scope, target_id, "
      "county_id, valid_from, valid_to) VALUES ('MX-" +
          s + "', '县扶贫办', 'supplier', " + id(active) + ", " + id(county) +
          ", CURRENT_DATE - INTERVAL 1 DAY, CURRENT_DATE + INTERVAL 300 DAY)");

  tenant.county_id = static_cast<std::uint64_t>(county);
  tenant.supplier_id = static_cast<std::uint64_t>(active);
  tenant.extra["category_id"] = id(category);
  tenant.extra["product_id"] = id(listed);
  tenant.extra["sku_id"] = id(sku);
  tenant.extra["certification_id"] = id(certification);
  tenant.extra["workflow_supplier_id"] = id(workflow_supplier);
  tenant.extra["workflow_product_id"] = id(draft);
  tenant.extra["workflow_sku_id"] = id(draft_sku);
}

}  // namespace huicai::test::matrix

namespace {

using Env = matrix::MatrixEnv;
using Caller = huicai::auth::Principal;
using Tenant = matrix::Tenant;
using Request = matrix::MatrixRequest;

// A route without another tenant's object (lists, creating as oneself): own-tenant call only.
matrix::RouteFixture own_only(std::function<Request(Env&)> make) {
  return {[make](Env& env, const Caller&, const Tenant&) { return make(env); }, false};
}
matrix::RouteFixture fixed(std::string target, std::string body = {}) {
  return own_only([target, body](Env&) { return Request{target, body}; });
}
// A route on an object of `owner`: "{key}" in the path becomes the owner's id of that key.
matrix::RouteFixture on(std::string path, std::string key, std::string rest = {},
                        std::string body = {}) {
  return {[path, key, rest, body](Env&, const Caller&, const Tenant& owner) {
            return Request{path + std::to_string(matrix::extra_id(owner, key)) + rest, body};
          },
          true};
}
matrix::RouteFixture on_supplier(std::string rest = {}, std::string body = {}) {
  return {[rest, body](Env&, const Caller&, const Tenant& owner) {
            return Request{"/v1/suppliers/" + std::to_string(owner.supplier_id) + rest, body};
          },
          true};
}
matrix::RouteFixture on_county(std::string body = {}) {
  return {[body](Env&, const Caller&, const Tenant& owner) {
            return Request{"/v1/counties/" + std::to_string(owner.county_id), body};
          },
          true};
}

std::string json(const boost::json::object& object) {
  return boost::json::serialize(object);
}

// A fresh pending bank account change of the owner's supplier (requested by an account no
// matrix caller has), for the confirm / reject routes: each call decides a change of its own.
matrix::RouteFixture on_new_bank_change(std::string action, std::string body = {}) {
  return {[action, body](Env& env, const Caller&, const Tenant& owner) {
            const auto supplier = std::to_string(owner.supplier_id);
            matrix::insert_row(env,
                               "UPDATE catalog_supplier_bank_changes SET status = 'superseded', "
                               "pending_slot = NULL WHERE status = 'pending' AND supplier_id = " +
                                   supplier);
            const auto change = matrix::insert_row(
                env,
                "INSERT INTO catalog_supplier_bank_changes (supplier_id, bank_name, "
                "bank_account_name, bank_account_number, requested_by_account_id) VALUES (" +
                    supplier + ", '中国农业银行', '矩阵合作社', '6228480210001234567', 1)");
            return Request{"/v1/suppliers/" + supplier + "/bank-account-changes/" +
                               std::to_string(change) + "/" + action,
                           body};
          },
          true};
}

// A fresh pending price review of the owner's listed SKU (superseding a pending one), so each
// approve / reject call decides a review of its own.
matrix::RouteFixture on_new_price_review(std::string rest, std::string body = {}) {
  return {[rest, body](Env& env, const Caller&, const Tenant& owner) {
            const auto product = std::to_string(matrix::extra_id(owner, "product_id"));
            const auto sku = std::to_string(matrix::extra_id(owner, "sku_id"));
            matrix::insert_row(env,
                               "UPDATE catalog_price_reviews SET status = 'superseded', "
                               "pending_slot = NULL WHERE status = 'pending' AND sku_id = " +
                                   sku);
            const auto review = matrix::insert_row(
                env,
                "INSERT INTO catalog_price_reviews (product_id, sku_id, price_fen, reference_fen, "
                "margin_bp, allowed_margin_bp, justification, requested_by_account_id) VALUES (" +
                    product + ", " + sku + ", 2999, 2000, 4995, 1000, '矩阵测试的价格说明', 1)");
            return Request{"/v1/price-reviews/" + std::to_string(review) + rest, body};
          },
          true};
}

const std::string kReason = R"({"reason":"矩阵测试"})";

const matrix::TenantSetupRegistration kCatalogTenant{"catalog", matrix::ensure_catalog_tenant};

const matrix::FixtureRegistration kRegistrations[] = {
    // Everyone reads counties, categories and listed products.
    {Method::get, "/v1/counties", fixed("/v1/counties")},
    {Method::get, "/v1/counties/{county_id}", on_county()},
    {Method::post, "/v1/counties", own_only([](Env&) {
       const std::string code = "n" + std::to_string(randombytes_uniform(2'000'000'000));
       return Request{"/v1/counties", json({{"code", code},
                                            {"name", "矩阵新县" + code},
                                            {"province", "陕西省"},
                                            {"prefecture", "榆林市"},
                                            {"assistance_kind", "designated"}})};
     })},
    {Method::patch, "/v1/counties/{county_id}", on_county(R"({"prefecture":"榆林市"})")},
    {Method::get, "/v1/categories", fixed("/v1/categories")},
    {Method::get, "/v1/categories/{category_id}", on("/v1/categories/", "category_id")},
    {Method::post, "/v1/categories", own_only([](Env&) {
       const std::string code = "n" + std::to_string(randombytes_uniform(2'000'000'000));
       return Request{"/v1/categories", json({{"code", code}, {"name", "矩阵" + code}})};
     })},
    {Method::patch, "/v1/categories/{category_id}",
     on("/v1/categories/", "category_id", "", R"({"position":1})")},
    {Method::get, "/v1/categories/{category_id}/attributes",
     on("/v1/categories/", "category_id", "/attributes")},
    {Method::post,
     "/v1/categories/{category_id}/attributes",
     {[](Env&, const Caller&, const Tenant& owner) {
        // A fresh code each call (a repeated one is a 409, which would prove nothing).
        const std::string code = "m" + std::to_string(randombytes_uniform(2'000'000'000));
        return Request{"/v1/categories/" + std::to_string(matrix::extra_id(owner, "category_id")) +
                           "/attributes",
                       json({{"code", code}, {"name", "矩阵"}, {"type", "text"}})};
      },
      true}},
    {Method::get, "/v1/products", fixed("/v1/products")},
    {Method::get, "/v1/products/{product_id}", on("/v1/products/", "product_id")},

    // Suppliers: the tenant's active supplier, and its applied one for the onboarding steps.
    {Method::get, "/v1/suppliers", fixed("/v1/suppliers")},
    {Method::get, "/v1/suppliers/{supplier_id}", on_supplier()},
    {Method::patch, "/v1/suppliers/{supplier_id}", on_supplier("", R"({"contact_name":"矩阵"})")},
    {Method::get, "/v1/suppliers/{supplier_id}/products", on_supplier("/products")},
    {Method::post, "/v1/suppliers", {[](Env& env, const Caller&, const Tenant& owner) {
       return Request{"/v1/suppliers", json({{"name", env.unique("矩阵新社")},
                                             {"kind", "cooperative"},
                                             {"county_id", owner.county_id},
                                             {"contact_name", "张三"},
                                             {"contact_phone", "13800000000"}})};
     }}},
    {Method::post, "/v1/suppliers/{supplier_id}/recommend",
     on("/v1/suppliers/", "workflow_supplier_id", "/recommend")},
    {Method::post, "/v1/suppliers/{supplier_id}/approve",
     on("/v1/suppliers/", "workflow_supplier_id", "/approve")},
    {Method::post, "/v1/suppliers/{supplier_id}/reject",
     on("/v1/suppliers/", "workflow_supplier_id", "/reject", kReason)},
    {Method::post, "/v1/suppliers/{supplier_id}/suspend",
     on("/v1/suppliers/", "workflow_supplier_id", "/suspend", kReason)},
    {Method::post, "/v1/suppliers/{supplier_id}/reinstate",
     on("/v1/suppliers/", "workflow_supplier_id", "/reinstate")},
    // Bank account changes (four eyes): the history is scoped like the supplier; deciding is
    // for operators and finance, on any supplier.
    {Method::get, "/v1/suppliers/{supplier_id}/bank-account-changes",
     on_supplier("/bank-account-changes")},
    {Method::post, "/v1/suppliers/{supplier_id}/bank-account-changes/{change_id}/confirm",
     on_new_bank_change("confirm")},
    {Method::post, "/v1/suppliers/{supplier_id}/bank-account-changes/{change_id}/reject",
     on_new_bank_change("reject", kReason)},

    // Certifications of the tenant's county.
    {Method::get, "/v1/certifications", fixed("/v1/certifications")},
    {Method::get, "/v1/certifications/{certification_id}",
     on("/v1/certifications/", "certification_id")},
    {Method::post, "/v1/certifications", {[](Env& env, const Caller&, const Tenant& owner) {
       return Request{"/v1/certifications", json({{"certificate_number", env.unique("MXN-")},
                                                  {"issuing_body", "县扶贫办"},
                                                  {"scope", "supplier"},
                                                  {"target_id", owner.supplier_id},
                                                  {"valid_from", "2026-01-01"},
                                                  {"valid_to", "2027-12-31"}})};
     }}},
    {Method::post, "/v1/certifications/{certification_id}/revoke",
     on("/v1/certifications/", "certification_id", "/revoke", kReason)},

    // Products: the listed one for reads, the draft one for edits and the listing workflow.
    {Method::post, "/v1/products", fixed("/v1/products", "{}")},
    {Method::patch, "/v1/products/{product_id}",
     on("/v1/products/", "workflow_product_id", "", "{}")},
    {Method::get, "/v1/products/{product_id}/price-history",
     on("/v1/products/", "product_id", "/price-history")},
    {Method::post,
     "/v1/products/{product_id}/skus",
     {[](Env& env, const Caller&, const Tenant& owner) {
       return Request{"/v1/products/" +
                          std::to_string(matrix::extra_id(owner, "workflow_product_id")) + "/skus",
                      json({{"spec", env.unique("规格")},
                            {"sale_unit", "袋"},
                            {"net_weight_grams", 500},
                            {"price_fen", 1000}})};
     }}},
    {Method::patch,
     "/v1/products/{product_id}/skus/{sku_id}",
     {[](Env&, const Caller&, const Tenant& owner) {
        return Request{"/v1/products/" +
                           std::to_string(matrix::extra_id(owner, "workflow_product_id")) +
                           "/skus/" + std::to_string(matrix::extra_id(owner, "workflow_sku_id")),
                       R"({"price_fen":1200})"};
      },
      true,
      // The caller's own product with another tenant's SKU.
      {{"caller's product, other tenant's SKU in the path",
        [](Env& env, const Caller&) {
          return Request{
              "/v1/products/" + std::to_string(matrix::extra_id(env.own, "workflow_product_id")) +
                  "/skus/" + std::to_string(matrix::extra_id(env.other, "workflow_sku_id")),
              R"({"price_fen":1})"};
        },
        [](Env& env) {
          return std::to_string(env.app.context().db().run_blocking([&](mysql::Session& session) {
            auto& select = session.prepare("SELECT price_fen FROM catalog_skus WHERE id = ?");
            mysql::bind(select, matrix::extra_id(env.other, "workflow_sku_id"));
            auto row = mysql::query(select);
            return row->next() ? row->getInt64(1) : std::int64_t{-1};
          }));
        }}}}},
    {Method::put,
     "/v1/products/{product_id}/skus/{sku_id}/market-reference-price",
     {[](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/products/" +
                          std::to_string(matrix::extra_id(owner, "workflow_product_id")) +
                          "/skus/" + std::to_string(matrix::extra_id(owner, "workflow_sku_id")) +
                          "/market-reference-price",
                      R"({"market_reference_price_fen":3200})"};
     }}},
    {Method::post, "/v1/products/{product_id}/submit",
     on("/v1/products/", "workflow_product_id", "/submit")},
    {Method::post, "/v1/products/{product_id}/approve",
     on("/v1/products/", "workflow_product_id", "/approve")},
    {Method::post, "/v1/products/{product_id}/reject",
     on("/v1/products/", "workflow_product_id", "/reject", kReason)},
    {Method::post, "/v1/products/{product_id}/list",
     on("/v1/products/", "workflow_product_id", "/list")},
    {Method::post, "/v1/products/{product_id}/delist",
     on("/v1/products/", "workflow_product_id", "/delist", kReason)},
    {Method::get, "/v1/review/products", fixed("/v1/review/products")},

    // 比质比价 price reviews: the supplier justifies, reviewers read the queue, operators decide.
    {Method::post,
     "/v1/products/{product_id}/skus/{sku_id}/price-justification",
     {[](Env&, const Caller&, const Tenant& owner) {
        return Request{"/v1/products/" +
                           std::to_string(matrix::extra_id(owner, "workflow_product_id")) +
                           "/skus/" + std::to_string(matrix::extra_id(owner, "workflow_sku_id")) +
                           "/price-justification",
                       R"({"justification":"矩阵测试的价格说明","price_fen":9999})"};
      },
      true}},
    {Method::get, "/v1/review/prices", fixed("/v1/review/prices")},
    {Method::get, "/v1/price-reviews/{review_id}", on_new_price_review("")},
    {Method::post, "/v1/price-reviews/{review_id}/approve", on_new_price_review("/approve")},
    {Method::post, "/v1/price-reviews/{review_id}/reject", on_new_price_review("/reject", kReason)},
};

}  // namespace
