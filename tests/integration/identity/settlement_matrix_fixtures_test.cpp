// Matrix fixtures for the settlement routes (see authorization_matrix.hpp). Each tenant gets a
// draft statement of its supplier in its county (written straight into the table: the routes
// under test are what the matrix calls). Lists are narrowed by the handler to the caller's
// supplier or county, so they are called on the caller's own tenant only.
#include <catch2/catch.hpp>
#include <huicai/core/http/message.hpp>

#include "catalog_matrix_tenant.hpp"

using namespace huicai;
using huicai::http::Method;
namespace matrix = huicai::test::matrix;

namespace {

using Env = matrix::MatrixEnv;
using Caller = huicai::auth::Principal;
using Tenant = matrix::Tenant;
using Request = matrix::MatrixRequest;

void settlement_tenant(Env& env, Tenant& tenant) {
  matrix::ensure_catalog_tenant(env, tenant);
  tenant.extra["statement_id"] = std::to_string(matrix::insert_row(
      env,
      "INSERT INTO settlement_statements (supplier_id, county_id, period_start, period_end, "
      "status, amount_fen) VALUES (" +
          std::to_string(tenant.supplier_id) + ", " + std::to_string(tenant.county_id) +
          ", '2000-01-01', '2000-02-01', 'draft', 0)"));
}

const matrix::TenantSetupRegistration kSettlementTenant{"settlement", settlement_tenant};

std::string statement_of(const Tenant& tenant) {
  return "/v1/settlement/statements/" + std::to_string(matrix::extra_id(tenant, "statement_id"));
}

matrix::RouteFixture on(std::string suffix, std::string body = {}) {
  return {[suffix, body](Env&, const Caller&, const Tenant& owner) {
            return Request{statement_of(owner) + suffix, body};
          },
          true};
}
// A route on the owner's supplier (its payment class).
matrix::RouteFixture on_supplier(std::string body = {}) {
  return {[body](Env&, const Caller&, const Tenant& owner) {
            return Request{
                "/v1/settlement/suppliers/" + std::to_string(owner.supplier_id) + "/payment-class",
                body};
          },
          true};
}
// The payout takes an Idempotency-Key: a fresh one per call.
matrix::RouteFixture paying(std::string body) {
  return {[body](Env& env, const Caller&, const Tenant& owner) {
            return Request{
                statement_of(owner) + "/pay", body, {{"idempotency-key", env.unique("mx-pay-")}}};
          },
          true};
}
matrix::RouteFixture fixed(std::string target, std::string body = {}) {
  return {[target, body](Env&, const Caller&, const Tenant&) {
            return Request{target, body};
          },
          false};
}

const matrix::FixtureRegistration kRegistrations[] = {
    {Method::get, "/v1/settlement/statements", fixed("/v1/settlement/statements")},
    {Method::post, "/v1/settlement/statements/generate",
     fixed("/v1/settlement/statements/generate", R"({"period_start":"2000-01-01"})")},
    {Method::get, "/v1/settlement/due", fixed("/v1/settlement/due")},
    {Method::get, "/v1/settlement/counties",
     fixed("/v1/settlement/counties?period_start=2000-01-01")},
    {Method::get, "/v1/settlement/reconciliation",
     fixed("/v1/settlement/reconciliation?supplier_id=1")},
    {Method::get, "/v1/settlement/reconciliation/export.csv",
     fixed("/v1/settlement/reconciliation/export.csv?supplier_id=1")},
    {Method::get, "/v1/settlement/reconciliation/export.xlsx",
     fixed("/v1/settlement/reconciliation/export.xlsx?supplier_id=1")},
    {Method::get, "/v1/settlement/counties/export.csv",
     fixed("/v1/settlement/counties/export.csv?period_start=2000-01-01")},
    {Method::get, "/v1/settlement/counties/export.xlsx",
     fixed("/v1/settlement/counties/export.xlsx?period_start=2000-01-01")},
    {Method::get, "/v1/settlement/ledger/export.csv",
     fixed("/v1/settlement/ledger/export.csv?supplier_id=1")},
    {Method::get, "/v1/settlement/ledger/export.xlsx",
     fixed("/v1/settlement/ledger/export.xlsx?supplier_id=1")},
    {Method::get, "/v1/settlement/statements/{statement_id}", on("")},
    {Method::get, "/v1/settlement/statements/{statement_id}/export.csv", on("/export.csv")},
    {Method::get, "/v1/settlement/statements/{statement_id}/export.xlsx", on("/export.xlsx")},
    {Method::post, "/v1/settlement/statements/{statement_id}/confirm", on("/confirm")},
    {Method::post, "/v1/settlement/statements/{statement_id}/approve", on("/approve")},
    {Method::post, "/v1/settlement/statements/{statement_id}/invoices",
     on("/invoices",
        R"({"supplier_id":1,"invoice_number":"MX","amount_fen":1,"received_date":"2000-01-02"})")},
    {Method::post, "/v1/settlement/statements/{statement_id}/invoice-exception",
     on("/invoice-exception", R"({"reason":"矩阵"})")},
    {Method::post, "/v1/settlement/statements/{statement_id}/pay",
     paying(R"({"payout_reference":"MX","payout_date":"2000-01-03","amount_fen":0})")},
    {Method::get, "/v1/settlement/payment-terms", fixed("/v1/settlement/payment-terms")},
    {Method::put, "/v1/settlement/payment-terms/{supplier_class}",
     fixed("/v1/settlement/payment-terms/matrix_class", R"({"due_days":45})")},
    {Method::get, "/v1/settlement/suppliers/{supplier_id}/payment-class", on_supplier()},
    {Method::put, "/v1/settlement/suppliers/{supplier_id}/payment-class",
     on_supplier(R"({"supplier_class":"matrix_class"})")},
};

}  // namespace
