// Audit entries written by another service into its own outbox (huicai/core/audit.hpp) reach
// identity's audit log through the event stream, once.
#include <chrono>
#include <huicai/core/audit.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <thread>

#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

#ifdef HUICAI_TEST_HAS_CATALOG
TEST_CASE("an audit entry from the catalog's outbox shows up in GET /v1/audit once",
          "[identity][audit]") {
  TestApp app(all_services(), [](Config& config) { config.access_log = false; });
  HttpClient client(app.host(), app.port());
  const auto auditor = mint(app, platform_principal(auth::Role::auditor, 900000002));
  const std::string target = "t" + unique_suffix();

  audit::Entry entry;
  entry.actor_account_id = 900000001;
  entry.actor_login = "test.operator";
  entry.actor_role = "operator";
  entry.action = "supplier.approved";
  entry.target_type = "test_supplier";
  entry.target_id = target;
  entry.after_json = R"({"status":"active"})";
  entry.request_id = "req-" + target;
  app.context().db().run_blocking(
      [&](mysql::Session& session) { audit::record(session, "catalog_outbox", "catalog", entry); },
      true);

  const std::string query = "/v1/audit?target_type=test_supplier&target_id=" + target;
  // Tests in other processes run apps with consumers in the same group; one that read the
  // event and stopped before acking holds it until a live consumer reclaims it
  // (ConsumerOptions::reclaim_after, 30 s). Wait past that, not just for the happy path.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(45);
  boost::json::value body;
  while (std::chrono::steady_clock::now() < deadline) {
    auto response = client.get(query, bearer(auditor));
    REQUIRE(response.status == 200);
    body = response.json();
    if (!body.at("items").as_array().empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto& items = body.at("items").as_array();
  REQUIRE(items.size() == 1);
  CHECK(items[0].at("service").as_string() == "catalog");
  CHECK(items[0].at("action").as_string() == "supplier.approved");
  CHECK(items[0].at("actor_role").as_string() == "operator");
  CHECK(items[0].at("request_id").as_string() == "req-" + target);
  CHECK(items[0].at("after").at("status").as_string() == "active");
}
#endif
