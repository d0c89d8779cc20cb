// Supplier self-application across catalog and identity (ADR 0022): a cooperative applies
// without an account and is shown a set-up secret once; the county officer recommends, the
// operator approves; identity consumes the approval and creates the first staff account, whose
// password the applicant sets once with the secret, then signs in as the supplier's staff. A
// licence already registered is refused with nothing written; the public route is rate-limited
// per source address.
#include <chrono>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <thread>

#include "identity_world.hpp"
#include "redis_test_client.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

#ifdef HUICAI_TEST_HAS_CATALOG
namespace {

const HeaderList kJsonBody = {{"content-type", "application/json"}};

// An 18-character unified social credit code nobody has.
std::string fresh_licence() {
  static const std::string kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  std::string code = "93";
  while (code.size() < 18) code += kChars[randombytes_uniform(kChars.size())];
  return code;
}

std::int64_t count_of(TestApp& app, const std::string& sql, const std::string& value) {
  return app.context().db().run_blocking([&](mysql::Session& session) -> std::int64_t {
    auto& select = session.prepare(sql);
    auto row = mysql::query(mysql::bind(select, value));
    return row->next() ? row->getInt64(1) : 0;
  });
}

boost::json::object application(std::int64_t county, const std::string& licence,
                                const std::string& name) {
  return {{"name", name},           {"kind", "cooperative"},  {"county_id", county},
          {"credit_code", licence}, {"contact_name", "李四"}, {"contact_phone", "0912-7654321"}};
}

}  // namespace

TEST_CASE(
    "a cooperative applies itself, is recommended and approved, and sets its first staff "
    "password once with the secret it was shown",
    "[identity][catalog][supplier-application]") {
  TestApp app(all_services(), [](Config& config) {
    config.access_log = false;
    config.catalog_supplier_applications_per_ip_per_hour = 0;
    config.account_setup_attempts_per_ip_per_minute = 100000;
  });
  HttpClient client(app.host(), app.port());
  const auto op = mint(app, platform_principal(auth::Role::operator_));
  const std::string code = "s" + identity_world::unique_suffix().substr(0, 10);
  auto county_created = post_json(client, "/v1/counties",
                                  boost::json::object{{"code", code},
                                                      {"name", "申请县" + code},
                                                      {"province", "陕西省"},
                                                      {"prefecture", "榆林市"},
                                                      {"assistance_kind", "designated"}},
                                  op);
  INFO(county_created.body);
  REQUIRE(county_created.status == 201);
  const auto county = county_created.json().at("id").as_int64();

  // Applying needs no account.
  const auto licence = fresh_licence();
  const auto name = "自荐合作社" + identity_world::unique_suffix();
  auto applied = client.post("/v1/supplier-applications",
                             boost::json::serialize(application(county, licence, name)), kJsonBody);
  INFO(applied.body);
  REQUIRE(applied.status == 201);
  const auto supplier = applied.json().at("supplier_id").as_int64();
  const std::string secret(applied.json().at("setup_secret").as_string());
  CHECK(secret.size() >= 40);
  CHECK(applied.header("cache-control") == "no-store");
  // Only the secret's hash is stored.
  CHECK(count_of(app,
                 "SELECT COUNT(*) FROM catalog_supplier_applications WHERE setup_secret_hash = ?",
                 secret) == 0);

  // The same licence again (under another name): 409, nothing written.
  auto again =
      client.post("/v1/supplier-applications",
                  boost::json::serialize(application(county, licence, name + "二")), kJsonBody);
  CHECK(again.status == 409);
  CHECK(again.body.find("licence-registered") != std::string::npos);
  CHECK(count_of(app, "SELECT COUNT(*) FROM catalog_suppliers WHERE credit_code = ?", licence) ==
        1);
  // Bad input: 422, nothing written.
  auto bad = application(county, fresh_licence(), name + "三");
  bad.erase("credit_code");
  CHECK(client.post("/v1/supplier-applications", boost::json::serialize(bad), kJsonBody).status ==
        422);
  CHECK(count_of(app, "SELECT COUNT(*) FROM catalog_suppliers WHERE name = ?", name + "三") == 0);

  const auto setup_body = [&](const std::string& presented) {
    boost::json::object body;
    body["supplier_id"] = supplier;
    body["setup_secret"] = presented;
    body["new_password"] = "chunjie-xiaomi-2027";
    return boost::json::serialize(body);
  };
  // Not approved yet: no account to set up.
  CHECK(client.post("/v1/account-setup", setup_body(secret), kJsonBody).status == 404);

  auth::Principal officer = platform_principal(auth::Role::county_officer, 900000005);
  officer.county_id = static_cast<std::uint64_t>(county);
  const auto base = "/v1/suppliers/" + std::to_string(supplier);
  REQUIRE(client.post(base + "/recommend", "", bearer(mint(app, officer))).status == 200);
  REQUIRE(client.post(base + "/approve", "", bearer(op)).status == 200);

  // Identity consumes the approval (through the catalog stream) and creates the account; until
  // then the set-up answers 404. Consumers of other test processes share the group and may hold
  // the event until it is reclaimed (30 s): wait past that.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(45);
  HttpResponse set_up;
  while (std::chrono::steady_clock::now() < deadline) {
    // A wrong secret never sets anything up.
    CHECK(client.post("/v1/account-setup", setup_body(secret + "x"), kJsonBody).status == 404);
    set_up = client.post("/v1/account-setup", setup_body(secret), kJsonBody);
    if (set_up.status != 404) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(set_up.body);
  REQUIRE(set_up.status == 200);
  const std::string login(set_up.json().at("login").as_string());
  CHECK(login == "supplier" + std::to_string(supplier));
  // Once only.
  auto twice = client.post("/v1/account-setup", setup_body(secret), kJsonBody);
  CHECK(twice.status == 409);
  CHECK(twice.body.find("setup-used") != std::string::npos);

  // The applicant signs in as the supplier's staff.
  auto signed_in = client.post(
      "/v1/auth/login",
      boost::json::serialize(boost::json::object{{"login", login}, {"password", "chunjie-xiaomi-2027"}}),
      kJsonBody);
  INFO(signed_in.body);
  REQUIRE(signed_in.status == 200);
  const std::string token(signed_in.json().at("access_token").as_string());
  auto me = client.get("/v1/me", bearer(token));
  REQUIRE(me.status == 200);
  const auto me_body = me.json();  // kept: role borrows from it
  const auto& role = me_body.at("roles").at(0);
  CHECK(role.at("role").as_string() == "supplier_staff");
  CHECK(role.at("supplier_id").as_int64() == supplier);
  CHECK(client.get(base, bearer(token)).status == 200);  // its own supplier
}

TEST_CASE("supplier self-applications are rate-limited per source address",
          "[identity][catalog][supplier-application]") {
  TestApp app(all_services(), [](Config& config) {
    config.access_log = false;
    config.catalog_supplier_applications_per_ip_per_hour = 3;
  });
  HttpClient client(app.host(), app.port());
  // Start from a clean count for this address (earlier runs this hour counted too).
  RedisTestClient redis;
  REQUIRE(redis.connected_within(std::chrono::seconds(5)));
  // (The rate limiter's key: one per route, address and hour, redis/rate_limiter.cpp.)
  const auto hour = std::chrono::duration_cast<std::chrono::hours>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  for (auto index = hour; index <= hour + 1; ++index) {
    redis.must({"DEL", "huicai:rl:{catalog:POST /v1/supplier-applications:ip:127.0.0.1}:" +
                           std::to_string(index)});
  }

  for (int i = 0; i < 3; ++i) {
    auto response = client.post("/v1/supplier-applications", "{}", kJsonBody);
    CHECK(response.status == 422);  // counted, and refused for its content
  }
  auto limited = client.post("/v1/supplier-applications", "{}", kJsonBody);
  CHECK(limited.status == 429);
  CHECK_FALSE(limited.header("retry-after").empty());
}
#endif
