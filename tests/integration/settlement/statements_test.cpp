// Statements: a period's accepted fulfilments per supplier, the workflow draft -> confirmed ->
// approved -> paid with its refusals (nothing changes on a refusal), invoices and the invoice
// exception, the payout posted to the ledger, and who may see and do what.
#include <catch2/catch.hpp>

#include "settlement_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::settlement;

namespace {

std::string problem_type(const HttpResponse& response) {
  return std::string(response.json().at("type").as_string());
}

}  // namespace

TEST_CASE_METHOD(AcceptedOrderWorld,
                 "statements: generation, the workflow, invoices, payout and permissions",
                 "[settlement][statements]") {
  // A: 5998 fen, B: 1550 fen, both accepted.
  auto key = [&](const std::string& name) {
    return HeaderList{{"idempotency-key", name + "-" + world.suffix}};
  };
  const std::string period = this_month();
  // Not the first of a month: 422.
  CHECK(finance->post("/v1/settlement/statements/generate", R"({"period_start":"2026-11-15"})")
            .status == 422);
  auto generated = ok(finance->post("/v1/settlement/statements/generate",
                                    R"({"period_start":")" + period + R"("})"));
  CHECK(generated.at("statements").as_int64() >= 2);

  auto a = statement_of(*app, catalog.supplier_a, period);
  auto b = statement_of(*app, catalog.supplier_b, period);
  CHECK(a.at("amount_fen").as_int64() == 5998);
  CHECK(a.at("item_count").as_int64() == 1);
  CHECK(a.at("status").as_string() == "draft");
  CHECK(b.at("amount_fen").as_int64() == 1550);
  const auto a_path = "/v1/settlement/statements/" + std::to_string(a.at("id").as_int64());
  const auto b_path = "/v1/settlement/statements/" + std::to_string(b.at("id").as_int64());
  auto detail = ok(finance->get(a_path));
  REQUIRE(detail.at("items").as_array().size() == 1);
  CHECK(detail.at("items").as_array()[0].at("fulfilment_id").as_int64() == fulfilment_a);
  CHECK(detail.at("due_date").is_string());

  // Generating again adds nothing: a fulfilment is in exactly one statement.
  ok(finance->post("/v1/settlement/statements/generate",
                   R"({"period_start":")" + period + R"("})"));
  CHECK(world.scalar("SELECT COUNT(*) FROM settlement_statement_items WHERE item_kind = "
                     "'acceptance' AND source_id = " +
                     std::to_string(fulfilment_a)) == 1);
  CHECK(ok(finance->get(a_path)).at("item_count").as_int64() == 1);

  // Who sees what: the other supplier and another county's officer get 404; the county's
  // officer and the auditor read it; a county officer's list holds only the county's.
  auto supplier_a = client_for(*app, supplier_staff(catalog.supplier_a));
  auto supplier_b = client_for(*app, supplier_staff(catalog.supplier_b));
  CHECK(supplier_b->get(a_path).status == 404);
  CHECK(client_for(*app, county_officer(catalog.county_id + 1))->get(a_path).status == 404);
  ok(client_for(*app, county_officer(catalog.county_id))->get(a_path));
  ok(client_for(*app, with_role(auth::Role::auditor))->get(a_path));
  auto county_list = ok(client_for(*app, county_officer(catalog.county_id))
                            ->get("/v1/settlement/statements?period_start=" + period));
  CHECK(county_list.at("items").as_array().size() == 2);
  // Supplier staff may not approve, generate or pay; the auditor changes nothing.
  CHECK(supplier_a->post(a_path + "/approve", "").status == 403);
  CHECK(client_for(*app, with_role(auth::Role::auditor))->post(a_path + "/approve", "").status ==
        403);
  CHECK(supplier_b->post(a_path + "/confirm", "").status == 404);

  // The workflow, with its refusals.
  CHECK(problem_type(finance->post(a_path + "/approve", "")).ends_with("invalid-transition"));
  CHECK(ok(supplier_a->post(a_path + "/confirm", "")).at("status").as_string() == "confirmed");
  CHECK(supplier_a->post(a_path + "/confirm", "").status == 409);
  const std::string pay_body = R"({"payout_reference":"BANK-)" + world.suffix +
                               R"(","payout_date":"2026-12-05","amount_fen":5998})";
  CHECK(problem_type(finance->post(a_path + "/pay", pay_body, key("a-pay")))
            .ends_with("invalid-transition"));
  CHECK(ok(finance->post(a_path + "/approve", "")).at("status").as_string() == "approved");
  CHECK(finance->post(a_path + "/approve", "").status == 409);
  // No invoice yet: 409, still approved.
  auto unpaid = finance->post(a_path + "/pay", pay_body, key("a-pay"));
  CHECK(unpaid.status == 409);
  CHECK(problem_type(unpaid).ends_with("invoice-missing"));
  // An invoice from another supplier: 422, nothing recorded.
  auto foreign = finance->post(a_path + "/invoices",
                               R"({"supplier_id":)" + std::to_string(catalog.supplier_b) +
                                   R"(,"invoice_number":"FP-)" + world.suffix +
                                   R"(","amount_fen":5998,"received_date":"2026-12-04"})");
  CHECK(foreign.status == 422);
  CHECK(ok(finance->get(a_path)).at("invoices").as_array().empty());
  ok(finance->post(a_path + "/invoices",
                   R"({"supplier_id":)" + std::to_string(catalog.supplier_a) +
                       R"(,"invoice_number":"FP-)" + world.suffix +
                       R"(","amount_fen":5998,"received_date":"2026-12-04"})"));
  // A payout amount different from the statement: 422, still approved.
  auto wrong = finance->post(
      a_path + "/pay", R"({"payout_reference":"X","payout_date":"2026-12-05","amount_fen":5997})",
      key("a-wrong"));
  CHECK(wrong.status == 422);
  CHECK(ok(finance->get(a_path)).at("status").as_string() == "approved");
  const std::string due_a = "payable_due:supplier:" + std::to_string(catalog.supplier_a);
  CHECK(balance(world, due_a) == -5998);

  auto paid = ok(finance->post(a_path + "/pay", pay_body, key("a-pay")));
  CHECK(paid.at("status").as_string() == "paid");
  CHECK(paid.at("payout_reference").as_string() == "BANK-" + world.suffix);
  // A retry under the same key answers the first payout again and pays nothing twice; the same
  // key with another body is 422; another key is a new payout of a paid statement: 409.
  auto replayed = finance->post(a_path + "/pay", pay_body, key("a-pay"));
  CHECK(replayed.status == 200);
  CHECK(replayed.header("idempotent-replayed") == "true");
  CHECK(replayed.json().at("status").as_string() == "paid");
  auto reused = finance->post(
      a_path + "/pay", R"({"payout_reference":"Y","payout_date":"2026-12-05","amount_fen":5998})",
      key("a-pay"));
  CHECK(reused.status == 422);
  CHECK(problem_type(reused).ends_with("idempotency-key-reused"));
  CHECK(finance->post(a_path + "/pay", pay_body, key("a-pay-again")).status == 409);
  CHECK(finance->post(a_path + "/pay", pay_body).status == 400);  // no key
  CHECK(balance(world, due_a) == 0);
  CHECK(balance(world, "payout:supplier:" + std::to_string(catalog.supplier_a)) == -5998);

  // B: paid without an invoice once finance records an exception with a reason.
  ok(supplier_b->post(b_path + "/confirm", ""));
  ok(finance->post(b_path + "/approve", ""));
  CHECK(finance->post(b_path + "/invoice-exception", R"({"reason":""})").status == 422);
  ok(finance->post(b_path + "/invoice-exception",
                   R"({"reason":"合作社为小规模纳税人，发票后补"})"));
  CHECK(ok(finance->post(b_path + "/pay",
                         R"({"payout_reference":"B-)" + world.suffix +
                             R"(","payout_date":"2026-12-05","amount_fen":1550})",
                         key("b-pay")))
            .at("status")
            .as_string() == "paid");

  // Every finance action that changed something is in the audit trail (settlement's outbox,
  // consumed by identity): approve, invoice, pay on A; approve, exception, pay on B. Refusals
  // rolled back and recorded nothing; the supplier's confirmation is not a privileged action.
  auto audited = [&](const boost::json::object& statement) {
    return world.scalar(
        "SELECT COUNT(*) FROM settlement_outbox WHERE event_type = 'audit.recorded.v1' AND "
        "aggregate_id = 'statement:" +
        std::to_string(statement.at("id").as_int64()) + "'");
  };
  CHECK(audited(a) == 3);
  CHECK(audited(b) == 3);
}
