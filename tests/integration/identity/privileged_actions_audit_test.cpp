// Issue 3 item 7 across services: what an operator, county officer or unit admin changes in the
// catalog and in ordering is recorded (in the same transaction, through the service's outbox)
// and shows up once in identity's audit log (GET /v1/audit); supplier staff's changes do not.
#include <chrono>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <thread>

#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

#if defined(HUICAI_TEST_HAS_CATALOG) && defined(HUICAI_TEST_HAS_ORDERING)
namespace {

// An account id of its own per test run, so "actor" checks cannot match an earlier run's entry.
std::uint64_t fresh_account_id() {
  return 930'000'000 + randombytes_uniform(60'000'000);
}

auth::Principal with_scope(auth::Role role, std::uint64_t account_id) {
  auto principal = platform_principal(role, account_id);
  principal.login = "audit." + std::string(auth::to_string(role)) + std::to_string(account_id);
  return principal;
}

HeaderList headers(const std::string& token, const std::string& request_id) {
  return {{"authorization", "Bearer " + token},
          {"content-type", "application/json"},
          {"x-request-id", request_id}};
}

// The audit entries answering `query`, once at least `count` are there: an audit event travels
// outbox -> relay -> stream -> identity's consumer, so poll with a deadline.
boost::json::array wait_for_entries(HttpClient& client, const std::string& auditor_token,
                                    const std::string& query, std::size_t count = 1) {
  // Tests in other processes run apps with consumers in the same group; one that read the
  // event and stopped before acking holds it until a live consumer reclaims it
  // (ConsumerOptions::reclaim_after, 30 s). Wait past that, not just for the happy path.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(45);
  boost::json::array items;
  while (std::chrono::steady_clock::now() < deadline) {
    auto response = client.get("/v1/audit?" + query, bearer(auditor_token));
    INFO(response.body);
    REQUIRE(response.status == 200);
    items = response.json().at("items").as_array();
    if (items.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return items;
}

struct Expected {
  std::uint64_t actor = 0;
  std::string role, action, target_type, target_id, request_id, service;
};

void check_entry(const boost::json::value& entry, const Expected& expected) {
  INFO(boost::json::serialize(entry));
  CHECK(entry.at("actor_account_id").to_number<std::uint64_t>() == expected.actor);
  CHECK(entry.at("actor_role").as_string() == expected.role);
  CHECK(entry.at("action").as_string() == expected.action);
  CHECK(entry.at("target_type").as_string() == expected.target_type);
  CHECK(entry.at("target_id").as_string() == expected.target_id);
  CHECK(entry.at("request_id").as_string() == expected.request_id);
  CHECK(entry.at("service").as_string() == expected.service);
}

std::int64_t audit_events_in_outbox(TestApp& app, const std::string& table,
                                    const std::string& request_id) {
  return app.context().db().run_blocking([&](mysql::Session& session) -> std::int64_t {
    auto& select = session.prepare("SELECT COUNT(*) FROM " + table +
                                   " WHERE event_type = 'audit.recorded.v1' AND request_id = ?");
    mysql::bind(select, request_id);
    auto row = mysql::query(select);
    row->next();
    return row->getInt64(1);
  });
}

}  // namespace

TEST_CASE("operator and county officer catalog actions are audited once, supplier staff's not",
          "[identity][audit]") {
  TestApp app(all_services(), [](Config& config) { config.access_log = false; });
  HttpClient client(app.host(), app.port());
  const std::string run = unique_suffix();
  const auto operator_id = fresh_account_id();
  const auto officer_id = fresh_account_id();
  const auto staff_id = fresh_account_id();
  const auto operator_token = mint(app, with_scope(auth::Role::operator_, operator_id));
  const auto auditor = mint(app, platform_principal(auth::Role::auditor, 900000002));

  // Operator registers a county and a cooperative in it.
  auto county =
      client.post("/v1/counties",
                  boost::json::serialize(boost::json::object{{"code", "a" + run.substr(0, 10)},
                                                             {"name", "审计县" + run},
                                                             {"province", "陕西省"},
                                                             {"prefecture", "榆林市"},
                                                             {"assistance_kind", "designated"}}),
                  headers(operator_token, "req-county-" + run));
  INFO(county.body);
  REQUIRE(county.status == 201);
  const auto county_id = county.json().at("id").to_number<std::uint64_t>();
  auto supplier =
      client.post("/v1/suppliers",
                  boost::json::serialize(boost::json::object{{"name", "审计合作社" + run},
                                                             {"kind", "cooperative"},
                                                             {"county_id", county_id},
                                                             {"contact_name", "张三"},
                                                             {"contact_phone", "13800000000"}}),
                  headers(operator_token, "req-supplier-" + run));
  INFO(supplier.body);
  REQUIRE(supplier.status == 201);
  const auto supplier_id = supplier.json().at("id").to_number<std::uint64_t>();
  const std::string supplier_path = "/v1/suppliers/" + std::to_string(supplier_id);

  auto officer = with_scope(auth::Role::county_officer, officer_id);
  officer.county_id = county_id;
  const auto officer_token = mint(app, officer);
  auto recommended =
      client.post(supplier_path + "/recommend", "", headers(officer_token, "req-rec-" + run));
  INFO(recommended.body);
  REQUIRE(recommended.status == 200);

  const std::string approve_request = "req-approve-" + run;
  auto approved =
      client.post(supplier_path + "/approve", "", headers(operator_token, approve_request));
  INFO(approved.body);
  REQUIRE(approved.status == 200);

  const std::string certify_request = "req-certify-" + run;
  auto certification =
      client.post("/v1/certifications",
                  boost::json::serialize(boost::json::object{{"certificate_number", "AUD-" + run},
                                                             {"issuing_body", "县扶贫办"},
                                                             {"scope", "supplier"},
                                                             {"target_id", supplier_id},
                                                             {"valid_from", "2026-01-01"},
                                                             {"valid_to", "2027-12-31"}}),
                  headers(officer_token, certify_request));
  INFO(certification.body);
  REQUIRE(certification.status == 201);
  const auto certification_id = certification.json().at("id").to_number<std::uint64_t>();

  // Supplier staff edit their own supplier: not a privileged action, nothing in the outbox
  // (written in the same transaction as the change, so it would be there by now).
  auto staff = with_scope(auth::Role::supplier_staff, staff_id);
  staff.supplier_id = supplier_id;
  const std::string staff_request = "req-staff-" + run;
  auto staff_edit = client.patch(supplier_path, R"({"contact_name":"李四"})",
                                 headers(mint(app, staff), staff_request));
  INFO(staff_edit.body);
  REQUIRE(staff_edit.status == 200);
  CHECK(audit_events_in_outbox(app, "catalog_outbox", staff_request) == 0);
  // The same edit by an operator is audited.
  const std::string operator_edit_request = "req-opedit-" + run;
  auto operator_edit = client.patch(supplier_path, R"({"contact_name":"王五"})",
                                    headers(operator_token, operator_edit_request));
  INFO(operator_edit.body);
  REQUIRE(operator_edit.status == 200);
  CHECK(audit_events_in_outbox(app, "catalog_outbox", operator_edit_request) == 1);

  const std::string supplier_query =
      "target_type=supplier&target_id=" + std::to_string(supplier_id);
  {
    auto items = wait_for_entries(client, auditor, supplier_query + "&action=supplier.approved");
    REQUIRE(items.size() == 1);
    check_entry(items[0], {operator_id, "operator", "supplier.approved", "supplier",
                           std::to_string(supplier_id), approve_request, "catalog"});
    CHECK(items[0].at("before").at("status").as_string() == "recommended");
    CHECK(items[0].at("after").at("status").as_string() == "active");
  }
  {
    auto items = wait_for_entries(
        client, auditor, "target_type=certification&target_id=" + std::to_string(certification_id));
    REQUIRE(items.size() == 1);
    check_entry(items[0], {officer_id, "county_officer", "certification.created", "certification",
                           std::to_string(certification_id), certify_request, "catalog"});
    CHECK(items[0].at("after").at("certificate_number").as_string() == "AUD-" + run);
  }
  {
    // The operator's edit came after the staff edit through the same outbox: once it is in the
    // log, a staff entry would be too. Exactly one update entry, the operator's.
    auto items = wait_for_entries(client, auditor, supplier_query + "&action=supplier.updated");
    REQUIRE(items.size() == 1);
    check_entry(items[0], {operator_id, "operator", "supplier.updated", "supplier",
                           std::to_string(supplier_id), operator_edit_request, "catalog"});
    CHECK(items[0].at("before").at("contact").at("name").as_string() == "李四");
    CHECK(items[0].at("after").at("contact").at("name").as_string() == "王五");
  }
  // Every privileged step of the onboarding is there: created, recommended, approved, updated.
  auto all = wait_for_entries(client, auditor, supplier_query, 4);
  CHECK(all.size() == 4);
}

TEST_CASE("operator dispute decisions and unit admin budgets are audited once",
          "[identity][audit]") {
  TestApp app(all_services(), [](Config& config) { config.access_log = false; });
  HttpClient client(app.host(), app.port());
  const std::string run = unique_suffix();
  const auto operator_id = fresh_account_id();
  const auto admin_id = fresh_account_id();
  const auto operator_token = mint(app, with_scope(auth::Role::operator_, operator_id));
  const auto auditor = mint(app, platform_principal(auth::Role::auditor, 900000002));

  // A refund request the buyer disputed (the steps before it are ordering's own tests).
  const auto after_sale_id = app.context().db().run_blocking(
      [&](mysql::Session& session) -> std::int64_t {
        auto& insert = session.prepare(
            "INSERT INTO ordering_after_sales (order_id, fulfilment_id, supplier_id, "
            "buyer_account_id, unit_path, amount_fen, reason, evidence_urls, status) VALUES "
            "(?, ?, ?, ?, '', 1550, '破损', '[]', 'disputed')");
        const auto base = static_cast<std::int64_t>(fresh_account_id());
        mysql::bind(insert, base, base, base, base);
        insert.executeUpdate();
        auto& last = session.prepare("SELECT LAST_INSERT_ID()");
        auto row = mysql::query(last);
        row->next();
        return row->getInt64(1);
      },
      true);
  const std::string decide_request = "req-decide-" + run;
  auto decision_headers = headers(operator_token, decide_request);
  decision_headers.push_back({"idempotency-key", "audit-" + run});
  auto decided =
      client.post("/v1/after-sales/" + std::to_string(after_sale_id) + "/operator-decision",
                  R"({"decision":"no_refund","reason":"证据不足"})", decision_headers);
  INFO(decided.body);
  REQUIRE(decided.status == 200);

  // A unit admin sets the budget of a unit below its own for the year, out of its own unit's
  // budget, which finance granted.
  const auto parent = create_unit(client, operator_token, std::nullopt, "aud-root-" + run, "group");
  const auto unit_id = create_unit(client, operator_token, parent.id, "aud-unit-" + run, "unit").id;
  auto funded = client.put("/v1/units/" + std::to_string(parent.id) + "/budgets/2026",
                           R"({"granted_fen":500000})",
                           bearer(mint(app, platform_principal(auth::Role::finance, 900000003))));
  INFO(funded.body);
  REQUIRE(funded.status == 200);
  auth::Principal admin = with_scope(auth::Role::unit_admin, admin_id);
  admin.unit_id = parent.id;
  admin.unit_path = parent.path;
  const std::string budget_request = "req-budget-" + run;
  const std::string budget_target = std::to_string(unit_id) + "/2026";
  auto budget = client.put("/v1/units/" + std::to_string(unit_id) + "/budgets/2026",
                           R"({"granted_fen":500000})", headers(mint(app, admin), budget_request));
  INFO(budget.body);
  REQUIRE(budget.status == 200);

  {
    auto items = wait_for_entries(
        client, auditor, "target_type=after_sale&target_id=" + std::to_string(after_sale_id));
    REQUIRE(items.size() == 1);
    check_entry(items[0], {operator_id, "operator", "after_sale.decided", "after_sale",
                           std::to_string(after_sale_id), decide_request, "ordering"});
    CHECK(items[0].at("before").at("status").as_string() == "disputed");
    CHECK(items[0].at("after").at("status").as_string() == "resolved_no_refund");
    CHECK(items[0].at("after").at("amount_fen").to_number<std::int64_t>() == 1550);
  }
  {
    auto items =
        wait_for_entries(client, auditor, "target_type=unit_budget&target_id=" + budget_target);
    REQUIRE(items.size() == 1);
    check_entry(items[0], {admin_id, "unit_admin", "unit_budget.set", "unit_budget", budget_target,
                           budget_request, "ordering"});
    CHECK(items[0].at("before").is_null());
    CHECK(items[0].at("after").at("granted_fen").to_number<std::int64_t>() == 500000);
  }
}
#endif
