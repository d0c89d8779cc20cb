// Matrix fixtures for the ordering routes: how each route is called on an object of a given
// tenant. See authorization_matrix.hpp. Each tenant gets, on top of its catalog rows
// (catalog_matrix_tenant.hpp): stock for its SKU, a budget, an approval threshold of 0 and an
// allowance; an employee order (with a payment intent) placed by the tenant's employee and a
// unit order (waiting for approval) placed by its unit buyer, through the API, one more of each
// for the cancel route; and a refund request on the employee order's fulfilment.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <huicai/core/http/message.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>

#include "catalog_matrix_tenant.hpp"
#include "http_client.hpp"
#include "test_app.hpp"

using namespace huicai;
using huicai::auth::Role;
using huicai::http::Method;
namespace matrix = huicai::test::matrix;

namespace {

using Env = matrix::MatrixEnv;
using Caller = huicai::auth::Principal;
using Tenant = matrix::Tenant;
using Request = matrix::MatrixRequest;

int this_year() {
  const std::chrono::year_month_day date{
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  return static_cast<int>(date.year());
}

std::string text(std::int64_t value) {
  return std::to_string(value);
}

// POSTs as `principal` with a fresh Idempotency-Key; returns the JSON answer (201/200 required).
boost::json::object post_as(Env& env, const Caller& principal, const std::string& target,
                            const std::string& body) {
  test::HeaderList headers{{"authorization", "Bearer " + env.token_for(principal)},
                           {"content-type", "application/json"},
                           {"idempotency-key", env.unique("mx-setup-")}};
  auto response = env.client.post(target, body, headers);
  INFO("setting up " << target << ": " << response.body);
  REQUIRE((response.status == 201 || response.status == 200));
  return response.json().as_object();
}

// A unit below the tenant's own, through identity's API: budgets are granted to units below
// the granting admin's (out of the tenant unit's budget).
std::uint64_t child_unit(Env& env, const Tenant& tenant) {
  test::HeaderList headers{{"authorization", "Bearer " + env.operator_token},
                           {"content-type", "application/json"}};
  auto response = env.client.post("/v1/org/units",
                                  boost::json::serialize(boost::json::object{
                                      {"parent_id", tenant.unit_id},
                                      {"code", env.unique("mx-child-" + tenant.name + "-")},
                                      {"name", "矩阵下级单位"},
                                      {"kind", "unit"}}),
                                  headers);
  INFO(response.body);
  REQUIRE(response.status == 201);
  return response.json().at("id").to_number<std::uint64_t>();
}

void ordering_tenant(Env& env, Tenant& tenant) {
  matrix::ensure_catalog_tenant(env, tenant);
  tenant.extra["child_unit_id"] = std::to_string(child_unit(env, tenant));
  // Two grant requests waiting for finance (filed by someone else), to approve and to reject.
  for (const char* key : {"approve_grant_request_id", "reject_grant_request_id"}) {
    tenant.extra[key] = std::to_string(matrix::insert_row(
        env,
        "INSERT INTO ordering_grant_requests (source, target_id, grant_year, unit_id, "
        "unit_path, granted_fen, previous_granted_fen, pending_target, requested_by, "
        "requested_role) VALUES ('allowance', " +
            std::to_string(tenant.member_account_id) + ", " + text(this_year()) + ", " +
            std::to_string(tenant.unit_id) + ", '" + tenant.unit_path + "', 100, 0, '" +
            env.unique("mx-") + "', 1, 'unit_admin')"));
  }
  const auto sku = matrix::extra_id(tenant, "sku_id");
  const std::string unit = std::to_string(tenant.unit_id);
  const std::string path = "'" + tenant.unit_path + "'";
  const std::string year = text(this_year());
  const auto employee = env.principal(Role::employee, tenant);
  matrix::insert_row(env, "INSERT INTO ordering_stock (sku_id, supplier_id, available) VALUES (" +
                              text(sku) + ", " + std::to_string(tenant.supplier_id) +
                              ", 100000) ON DUPLICATE KEY UPDATE available = VALUES(available)");
  matrix::insert_row(env,
                     "INSERT INTO ordering_unit_budgets (unit_id, budget_year, unit_path, "
                     "granted_fen, available_fen) VALUES (" +
                         unit + ", " + year + ", " + path + ", 100000000, 100000000)");
  matrix::insert_row(env,
                     "INSERT INTO ordering_unit_settings (unit_id, unit_path, "
                     "approval_threshold_fen) VALUES (" +
                         unit + ", " + path + ", 0)");
  // The matrix's account ids are the same every run: the allowance row is moved to this run's
  // unit.
  matrix::insert_row(env,
                     "INSERT INTO ordering_allowances (account_id, allowance_year, unit_id, "
                     "unit_path, granted_fen, available_fen) VALUES (" +
                         std::to_string(employee.account_id) + ", " + year + ", " + unit + ", " +
                         path +
                         ", 50000, 50000) ON DUPLICATE KEY UPDATE unit_id = VALUES(unit_id), "
                         "unit_path = VALUES(unit_path)");

  const std::string lines =
      R"({"lines":[{"sku_id":)" + text(sku) + R"(,"quantity":1}],"fund_plan":")";
  auto employee_order = post_as(env, employee, "/v1/orders", lines + "personal\"}");
  auto unit_order =
      post_as(env, env.principal(Role::unit_buyer, tenant), "/v1/orders", lines + "unit_budget\"}");
  const auto employee_order_id = employee_order.at("id").as_int64();
  const auto employee_fulfilment =
      employee_order.at("fulfilments").as_array().at(0).at("id").as_int64();
  tenant.extra["employee_order_id"] = text(employee_order_id);
  tenant.extra["employee_fulfilment_id"] = text(employee_fulfilment);
  tenant.extra["unit_order_id"] = text(unit_order.at("id").as_int64());
  tenant.extra["unit_fulfilment_id"] =
      text(unit_order.at("fulfilments").as_array().at(0).at("id").as_int64());
  tenant.extra["employee_line_id"] =
      text(employee_order.at("fulfilments").at(0).at("lines").at(0).at("id").as_int64());
  tenant.extra["unit_line_id"] =
      text(unit_order.at("fulfilments").at(0).at("lines").at(0).at("id").as_int64());
  // A harvest batch with nothing left in it (the SKU's stock stays loose units).
  tenant.extra["batch_id"] = text(matrix::insert_row(
      env,
      "INSERT INTO ordering_stock_batches (sku_id, supplier_id, harvest_date, origin_village, "
      "inspection_report, available) VALUES (" +
          text(sku) + ", " + std::to_string(tenant.supplier_id) +
          ", '2026-09-01', '矩阵村', 'MX-1', 0)"));
  // Orders of their own for the cancel route, so the others stay alive for approval, payment.
  tenant.extra["cancel_employee_order_id"] =
      text(post_as(env, employee, "/v1/orders", lines + "personal\"}").at("id").as_int64());
  tenant.extra["cancel_unit_order_id"] = text(
      post_as(env, env.principal(Role::unit_buyer, tenant), "/v1/orders", lines + "unit_budget\"}")
          .at("id")
          .as_int64());
  auto intent =
      post_as(env, employee, "/v1/orders/" + text(employee_order_id) + "/payment-intents", "{}");
  tenant.extra["intent_id"] = std::string(intent.at("intent_id").as_string());
  tenant.extra["after_sale_id"] = text(matrix::insert_row(
      env,
      "INSERT INTO ordering_after_sales (order_id, fulfilment_id, supplier_id, buyer_account_id, "
      "unit_path, amount_fen, reason, evidence_urls, status) VALUES (" +
          text(employee_order_id) + ", " + text(employee_fulfilment) + ", " +
          std::to_string(tenant.supplier_id) + ", " + std::to_string(employee.account_id) + ", " +
          path + ", 2999, '矩阵', '[]', 'supplier_rejected')"));
}

const matrix::TenantSetupRegistration kOrderingTenant{"ordering", ordering_tenant};

// The rows `sql` selects, as text: what a crossed request must leave unchanged.
std::function<std::string(Env&)> rows_of(std::function<std::string(Env&)> sql) {
  return [sql](Env& env) {
    return env.app.context().db().run_blocking([&](mysql::Session& session) {
      auto& select = session.prepare(sql(env));
      auto rows = mysql::query(select);
      std::string text;
      const auto columns = rows->getMetaData()->getColumnCount();
      while (rows->next()) {
        for (unsigned i = 1; i <= columns; ++i) text += rows->getString(i) + "|";
        text += "\n";
      }
      return text;
    });
  };
}

// The fund rows of `tenant`: budgets of its unit and the unit below, its threshold, its
// member's allowance.
std::string funds_sql(const Tenant& tenant) {
  const std::string units =
      std::to_string(tenant.unit_id) + ", " + text(matrix::extra_id(tenant, "child_unit_id"));
  return "SELECT 'b', unit_id, budget_year, granted_fen, available_fen FROM ordering_unit_budgets "
         "WHERE unit_id IN (" +
         units +
         ") UNION ALL SELECT 's', unit_id, unit_path, approval_threshold_fen, 0 FROM "
         "ordering_unit_settings WHERE unit_id IN (" +
         units +
         ") UNION ALL SELECT 'a', account_id, allowance_year, granted_fen, unit_path FROM "
         "ordering_allowances WHERE account_id = " +
         std::to_string(tenant.member_account_id) + " ORDER BY 1, 2, 3";
}
std::string other_funds_sql(Env& env) {
  return funds_sql(env.other);
}
// A body naming another unit must not move the caller's own rows either.
std::string own_funds_sql(Env& env) {
  return funds_sql(env.own);
}

std::string budget_target(const Tenant& tenant) {
  return "/v1/units/" + text(matrix::extra_id(tenant, "child_unit_id")) + "/budgets/" +
         text(this_year());
}
std::string with_path(const std::string& json_head, const Tenant& tenant) {
  return json_head + R"(,"unit_path":")" + tenant.unit_path + R"("})";
}

// The requests of issue 10 and their kin: another tenant's unit or account in the path with the
// caller's unit in the body, and the caller's own unit with another tenant's in the body.
std::vector<matrix::CrossedRequest> crossed_budget() {
  return {
      {"other tenant's unit in the path, caller's unit_path in the body",
       [](Env& env, const Caller&) {
         return Request{budget_target(env.other),
                        with_path(R"({"granted_fen":100000000000)", env.own)};
       },
       rows_of(other_funds_sql)},
      {"other tenant's unit in the path",
       [](Env& env, const Caller&) {
         return Request{budget_target(env.other), R"({"granted_fen":100000000000})"};
       },
       rows_of(other_funds_sql)},
      {"caller's unit in the path, other tenant's unit_path in the body",
       [](Env& env, const Caller&) {
         return Request{budget_target(env.own), with_path(R"({"granted_fen":2000)", env.other)};
       },
       rows_of(own_funds_sql)},
  };
}
std::vector<matrix::CrossedRequest> crossed_settings() {
  return {
      {"other tenant's unit in the path, caller's unit_path in the body",
       [](Env& env, const Caller&) {
         return Request{"/v1/units/" + std::to_string(env.other.unit_id) + "/ordering-settings",
                        with_path(R"({"approval_threshold_fen":100000000000)", env.own)};
       },
       rows_of(other_funds_sql)},
      {"caller's unit in the path, other tenant's unit_path in the body",
       [](Env& env, const Caller&) {
         return Request{"/v1/units/" + std::to_string(env.own.unit_id) + "/ordering-settings",
                        with_path(R"({"approval_threshold_fen":7)", env.other)};
       },
       rows_of(own_funds_sql)},
  };
}
std::string allowance_target(const Tenant& tenant) {
  return "/v1/allowances/" + std::to_string(tenant.member_account_id) + "/" + text(this_year());
}
std::vector<matrix::CrossedRequest> crossed_allowance() {
  return {
      {"other tenant's account in the path, caller's unit in the body",
       [](Env& env, const Caller&) {
         return Request{
             allowance_target(env.other),
             with_path(R"({"granted_fen":100000000,"unit_id":)" + std::to_string(env.own.unit_id),
                       env.own)};
       },
       rows_of(other_funds_sql)},
      {"other tenant's account in the path",
       [](Env& env, const Caller&) {
         return Request{allowance_target(env.other), R"({"granted_fen":100000000})"};
       },
       rows_of(other_funds_sql)},
      {"caller's account in the path, other tenant's unit in the body",
       [](Env& env, const Caller&) {
         return Request{allowance_target(env.own), R"({"granted_fen":3000,"unit_id":)" +
                                                       std::to_string(env.other.unit_id) + "}"};
       },
       rows_of(own_funds_sql)},
  };
}
// The caller's own order with the other tenant's fulfilment in the body.
std::vector<matrix::CrossedRequest> crossed_after_sale() {
  return {{"caller's order, other tenant's fulfilment in the body",
           [](Env& env, const Caller& caller) {
             const bool employee = caller.has_role(Role::employee);
             const auto order =
                 matrix::extra_id(env.own, employee ? "employee_order_id" : "unit_order_id");
             const auto fulfilment = matrix::extra_id(
                 env.other, employee ? "employee_fulfilment_id" : "unit_fulfilment_id");
             return Request{"/v1/orders/" + text(order) + "/after-sales",
                            R"({"fulfilment_id":)" + text(fulfilment) +
                                R"(,"kind":"full","reason":"矩阵交叉"})",
                            {{"idempotency-key", env.unique("mx-x-")}}};
           },
           rows_of([](Env& env) {
             return "SELECT id, status FROM ordering_after_sales WHERE fulfilment_id IN (" +
                    text(matrix::extra_id(env.other, "employee_fulfilment_id")) + ", " +
                    text(matrix::extra_id(env.other, "unit_fulfilment_id")) + ") ORDER BY id";
           })}};
}

std::vector<std::pair<std::string, std::string>> idempotent(Env& env) {
  return {{"idempotency-key", env.unique("mx-")}};
}

// Orders and fulfilments: an employee acts on the employee order, everyone else on the unit
// order (unit roles see unit orders; employees only their own).
std::string order_for(const Caller& caller, const Tenant& owner) {
  return text(matrix::extra_id(
      owner, caller.has_role(Role::employee) ? "employee_order_id" : "unit_order_id"));
}
std::string fulfilment_for(const Caller& caller, const Tenant& owner) {
  return text(matrix::extra_id(
      owner, caller.has_role(Role::employee) ? "employee_fulfilment_id" : "unit_fulfilment_id"));
}

// A route on an object of `owner`; `make` builds the request.
matrix::RouteFixture on(std::function<Request(Env&, const Caller&, const Tenant&)> make,
                        std::vector<matrix::CrossedRequest> crossed = {}) {
  return {std::move(make), true, std::move(crossed)};
}
// A route without another tenant's object (lists, the caller's own cart, placing an order).
matrix::RouteFixture own_only(std::function<Request(Env&, const Caller&)> make) {
  return {[make](Env& env, const Caller& caller, const Tenant&) { return make(env, caller); },
          false};
}
matrix::RouteFixture fixed(std::string target, std::string body = {}) {
  return own_only([target, body](Env&, const Caller&) { return Request{target, body}; });
}

std::string sku_of(const Tenant& tenant) {
  return text(matrix::extra_id(tenant, "sku_id"));
}
std::string after_sale_of(const Tenant& tenant) {
  return "/v1/after-sales/" + text(matrix::extra_id(tenant, "after_sale_id"));
}

const matrix::FixtureRegistration kRegistrations[] = {
    // Lists, narrowed to the caller's scope by the handler.
    {Method::get, "/v1/orders", fixed("/v1/orders")},
    {Method::get, "/v1/fulfilments", fixed("/v1/fulfilments")},
    {Method::get, "/v1/approvals", fixed("/v1/approvals")},
    {Method::get, "/v1/inventory", own_only([](Env& env, const Caller& caller) {
       // Supplier staff see their own supplier's stock; the others name a supplier.
       if (caller.has_role(Role::supplier_staff)) return Request{"/v1/inventory"};
       return Request{"/v1/inventory?supplier_id=" + std::to_string(env.own.supplier_id)};
     })},
    // The caller's own cart: no other tenant's object.
    {Method::get, "/v1/cart", fixed("/v1/cart")},
    {Method::put, "/v1/cart/items/{sku_id}", own_only([](Env& env, const Caller&) {
       return Request{"/v1/cart/items/" + sku_of(env.own), R"({"quantity":1})"};
     })},
    {Method::delete_, "/v1/cart/items/{sku_id}", own_only([](Env& env, const Caller&) {
       return Request{"/v1/cart/items/" + sku_of(env.own), ""};
     })},
    // Placing an order buys for the caller (or the caller's unit): nothing of another tenant.
    {Method::post, "/v1/orders", own_only([](Env& env, const Caller& caller) {
       const bool unit = caller.has_role(Role::unit_buyer);
       return Request{"/v1/orders",
                      R"({"lines":[{"sku_id":)" + sku_of(env.own) +
                          R"(,"quantity":1}],"fund_plan":")" + (unit ? "unit_budget" : "personal") +
                          "\"}",
                      idempotent(env)};
     })},
    // The sandbox channel's callback is public (signed); the test body is rejected unsigned.
    {Method::post, "/v1/payments/callbacks/sandbox", fixed("/v1/payments/callbacks/sandbox", "{}")},

    // Orders.
    {Method::get, "/v1/orders/{order_id}", on([](Env&, const Caller& caller, const Tenant& owner) {
       return Request{"/v1/orders/" + order_for(caller, owner)};
     })},
    {Method::get, "/v1/orders/{order_id}/history",
     on([](Env&, const Caller& caller, const Tenant& owner) {
       return Request{"/v1/orders/" + order_for(caller, owner) + "/history"};
     })},
    {Method::post, "/v1/orders/{order_id}/cancel",
     on([](Env&, const Caller& caller, const Tenant& owner) {
       return Request{"/v1/orders/" +
                          text(matrix::extra_id(owner, caller.has_role(Role::employee)
                                                           ? "cancel_employee_order_id"
                                                           : "cancel_unit_order_id")) +
                          "/cancel",
                      "{}"};
     })},
    {Method::post, "/v1/orders/{order_id}/approve",
     on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/orders/" + text(matrix::extra_id(owner, "unit_order_id")) + "/approve",
                      "{}"};
     })},
    {Method::post, "/v1/orders/{order_id}/reject", on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/orders/" + text(matrix::extra_id(owner, "unit_order_id")) + "/reject",
                      R"({"reason":"矩阵测试"})"};
     })},
    {Method::post, "/v1/orders/{order_id}/payment-intents",
     on([](Env& env, const Caller&, const Tenant& owner) {
       return Request{
           "/v1/orders/" + text(matrix::extra_id(owner, "employee_order_id")) + "/payment-intents",
           "{}", idempotent(env)};
     })},
    {Method::post, "/v1/payments/sandbox/{intent_id}/confirm",
     on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/payments/sandbox/" + owner.extra.at("intent_id") + "/confirm", "{}"};
     })},
    {Method::post, "/v1/orders/{order_id}/after-sales",
     on(
         [](Env& env, const Caller& caller, const Tenant& owner) {
           return Request{"/v1/orders/" + order_for(caller, owner) + "/after-sales",
                          R"({"fulfilment_id":)" + fulfilment_for(caller, owner) +
                              R"(,"kind":"full","reason":"矩阵测试"})",
                          idempotent(env)};
         },
         crossed_after_sale())},

    // Fulfilments.
    {Method::get, "/v1/fulfilments/{fulfilment_id}",
     on([](Env&, const Caller& caller, const Tenant& owner) {
       return Request{"/v1/fulfilments/" + fulfilment_for(caller, owner)};
     })},
    {Method::post, "/v1/fulfilments/{fulfilment_id}/ship",
     on([](Env&, const Caller& caller, const Tenant& owner) {
       return Request{"/v1/fulfilments/" + fulfilment_for(caller, owner) + "/ship",
                      R"({"carrier":"顺丰","tracking_number":"SF0001","batch_number":"B1"})"};
     })},
    {Method::post, "/v1/fulfilments/{fulfilment_id}/receive",
     on([](Env&, const Caller& caller, const Tenant& owner) {
       return Request{"/v1/fulfilments/" + fulfilment_for(caller, owner) + "/receive", "{}"};
     })},
    {Method::post, "/v1/fulfilments/{fulfilment_id}/accept",
     on([](Env& env, const Caller&, const Tenant& owner) {
       return Request{
           "/v1/fulfilments/" + text(matrix::extra_id(owner, "unit_fulfilment_id")) + "/accept",
           R"({"lines":[]})", idempotent(env)};
     })},

    // Refund requests.
    {Method::get, "/v1/after-sales/{after_sale_id}",
     on([](Env&, const Caller&, const Tenant& owner) { return Request{after_sale_of(owner)}; })},
    {Method::post, "/v1/after-sales/{after_sale_id}/dispute",
     on([](Env&, const Caller&, const Tenant& owner) {
       return Request{after_sale_of(owner) + "/dispute",
                      R"({"decision":"dispute","reason":"矩阵测试"})"};
     })},
    {Method::post, "/v1/after-sales/{after_sale_id}/supplier-decision",
     on([](Env& env, const Caller&, const Tenant& owner) {
       return Request{after_sale_of(owner) + "/supplier-decision",
                      R"({"decision":"reject","reason":"矩阵测试"})", idempotent(env)};
     })},
    {Method::post, "/v1/after-sales/{after_sale_id}/operator-decision",
     on([](Env& env, const Caller&, const Tenant& owner) {
       return Request{after_sale_of(owner) + "/operator-decision",
                      R"({"decision":"no_refund","reason":"矩阵测试"})", idempotent(env)};
     })},

    // Stock of the tenant's SKU.
    {Method::get, "/v1/inventory/{sku_id}", on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/inventory/" + sku_of(owner)};
     })},
    {Method::put, "/v1/inventory/{sku_id}", on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/inventory/" + sku_of(owner), R"({"available":100000})"};
     })},
    {Method::post, "/v1/inventory/{sku_id}/adjustments",
     on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/inventory/" + sku_of(owner) + "/adjustments",
                      R"({"delta":1,"reason":"矩阵测试"})"};
     })},

    // Harvest batches of the tenant's SKU, and the trace of an order line (the employee's own
    // order for employees, the unit order for everyone else).
    {Method::get, "/v1/inventory/{sku_id}/batches",
     on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/inventory/" + sku_of(owner) + "/batches"};
     })},
    {Method::post, "/v1/inventory/{sku_id}/batches",
     on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/inventory/" + sku_of(owner) + "/batches",
                      R"({"quantity":1,"harvest_date":"2026-09-01","origin_village":"矩阵村",)"
                      R"("inspection_report":"MX-2"})"};
     })},
    {Method::put, "/v1/inventory/{sku_id}/batches/{batch_id}",
     on(
         [](Env&, const Caller&, const Tenant& owner) {
           return Request{"/v1/inventory/" + sku_of(owner) + "/batches/" +
                              text(matrix::extra_id(owner, "batch_id")),
                          R"({"quantity":0})",
                          {{"if-match", "\"v1\""}}};
         },
         {{"caller's SKU, other tenant's batch",
           [](Env& env, const Caller&) {
             return Request{"/v1/inventory/" + sku_of(env.own) + "/batches/" +
                                text(matrix::extra_id(env.other, "batch_id")),
                            R"({"quantity":5})",
                            {{"if-match", "\"v1\""}}};
           },
           rows_of([](Env& env) {
             return "SELECT id, available, version FROM ordering_stock_batches WHERE id = " +
                    text(matrix::extra_id(env.other, "batch_id"));
           })}})},
    {Method::post, "/v1/inventory/{sku_id}/batches/{batch_id}/close",
     on(
         [](Env&, const Caller&, const Tenant& owner) {
           return Request{"/v1/inventory/" + sku_of(owner) + "/batches/" +
                              text(matrix::extra_id(owner, "batch_id")) + "/close",
                          "",
                          {{"if-match", "\"v1\""}}};
         },
         {{"caller's SKU, other tenant's batch",
           [](Env& env, const Caller&) {
             return Request{"/v1/inventory/" + sku_of(env.own) + "/batches/" +
                                text(matrix::extra_id(env.other, "batch_id")) + "/close",
                            "",
                            {{"if-match", "\"v1\""}}};
           },
           rows_of([](Env& env) {
             return "SELECT id, available, version FROM ordering_stock_batches WHERE id = " +
                    text(matrix::extra_id(env.other, "batch_id"));
           })}})},
    {Method::get, "/v1/order-lines/{line_id}/trace",
     on([](Env&, const Caller& caller, const Tenant& owner) {
       return Request{"/v1/order-lines/" +
                      text(matrix::extra_id(owner, caller.has_role(Role::employee)
                                                       ? "employee_line_id"
                                                       : "unit_line_id")) +
                      "/trace"};
     })},

    // Funds of the tenant's unit and its employee.
    {Method::get, "/v1/units/{unit_id}/budgets/{year}",
     on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/units/" + std::to_string(owner.unit_id) + "/budgets/" +
                      text(this_year())};
     })},
    // A budget is granted to a unit below the granting admin's own.
    {Method::put, "/v1/units/{unit_id}/budgets/{year}",
     on(
         [](Env&, const Caller&, const Tenant& owner) {
           return Request{"/v1/units/" + text(matrix::extra_id(owner, "child_unit_id")) +
                              "/budgets/" + text(this_year()),
                          R"({"granted_fen":1000})"};
         },
         crossed_budget())},
    {Method::put, "/v1/units/{unit_id}/ordering-settings",
     on(
         [](Env&, const Caller&, const Tenant& owner) {
           return Request{"/v1/units/" + std::to_string(owner.unit_id) + "/ordering-settings",
                          R"({"approval_threshold_fen":0})"};
         },
         crossed_settings())},
    {Method::get, "/v1/allowances/{account_id}/{year}",
     on([](Env& env, const Caller&, const Tenant& owner) {
       return Request{"/v1/allowances/" +
                      std::to_string(env.principal(Role::employee, owner).account_id) + "/" +
                      text(this_year())};
     })},
    // Grant requests: the list (narrowed to the caller's subtree), finance's decisions.
    {Method::get, "/v1/grant-requests", fixed("/v1/grant-requests")},
    {Method::post, "/v1/grant-requests/{request_id}/approve",
     on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/grant-requests/" +
                          text(matrix::extra_id(owner, "approve_grant_request_id")) + "/approve",
                      "{}"};
     })},
    {Method::post, "/v1/grant-requests/{request_id}/reject",
     on([](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/grant-requests/" +
                          text(matrix::extra_id(owner, "reject_grant_request_id")) + "/reject",
                      R"({"reason":"矩阵测试"})"};
     })},
    // An allowance for an account of the tenant's unit (identity knows its unit).
    {Method::put, "/v1/allowances/{account_id}/{year}",
     on(
         [](Env&, const Caller&, const Tenant& owner) {
           return Request{"/v1/allowances/" + std::to_string(owner.member_account_id) + "/" +
                              text(this_year()),
                          R"({"granted_fen":50000})"};
         },
         crossed_allowance())},
};

}  // namespace
