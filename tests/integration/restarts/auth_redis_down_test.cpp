// Authentication with Redis stopped: token checks need no Redis (the revocation list lives in
// each process and is read from MySQL), so a signed-in buyer keeps browsing, and a logout during
// the outage still takes effect. Stops and starts the shared Redis, hence in `restarts`.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <huicai/core/redis/client.hpp>
#include <thread>

#include "../identity/identity_world.hpp"
#include "stack_control.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

using namespace huicai::test::stack_control;

TEST_CASE("with Redis down, signed-in buyers browse and a logout still takes effect",
          "[identity][catalog][restarts]") {
  RedisRestorer restorer;
  TestApp app(all_services(), [](Config& config) { config.access_log = false; });
  HttpClient client(app.host(), app.port());
  const std::string operator_token = mint(app, platform_principal(auth::Role::operator_));
  auto unit = create_unit(client, operator_token, std::nullopt, "redis-down-" + unique_suffix());
  auto account = create_account(client, operator_token, "rd." + unique_suffix(), unit.id);
  grant_role(client, operator_token, account.id, "employee");
  auto leaving = login(client, account.login, account.password);
  auto staying = login(client, account.login, account.password);
  REQUIRE(leaving.response.status == 200);
  REQUIRE(staying.response.status == 200);

  stack("stop-redis");
  REQUIRE(wait_until([&] { return !app.context().redis().connected(); }, std::chrono::seconds(10)));

  // Browsing and reading one's own account need a token check, not Redis.
  auto page = client.get("/v1/products?limit=5", bearer(staying.access_token));
  INFO(page.body);
  CHECK(page.status == 200);
  CHECK(client.get("/v1/me", bearer(leaving.access_token)).status == 200);

  // Logging out records the revocation in MySQL; the token is refused at once.
  CHECK(client.post("/v1/auth/logout", "", bearer(leaving.access_token)).status == 204);
  CHECK(client.get("/v1/me", bearer(leaving.access_token)).status == 401);
  CHECK(client.get("/v1/products?limit=5", bearer(leaving.access_token)).status == 401);
  CHECK(client.get("/v1/me", bearer(staying.access_token)).status == 200);

  // A second instance started during the outage knows the logout from the record alone.
  TestApp second(all_services(), [](Config& config) { config.access_log = false; });
  HttpClient second_client(second.host(), second.port());
  CHECK(second_client.get("/v1/me", bearer(leaving.access_token)).status == 401);
  CHECK(second_client.get("/v1/products?limit=5", bearer(staying.access_token)).status == 200);

  stack("start-redis");
  REQUIRE(wait_until([&] { return app.context().redis().connected(); }, std::chrono::seconds(15)));
  CHECK(client.get("/v1/me", bearer(leaving.access_token)).status == 401);
  CHECK(client.get("/v1/me", bearer(staying.access_token)).status == 200);
}
