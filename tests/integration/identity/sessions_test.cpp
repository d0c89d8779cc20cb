// GET /v1/me/sessions and DELETE /v1/me/sessions/{id}: the owner sees each sign-in (source,
// user agent, device) and ends any of them; nobody else's.
#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

TEST_CASE("the owner lists its sessions and ends one of them", "[identity][sessions]") {
  TestApp app{identity_only(), [](Config& config) { config.access_log = false; }};
  HttpClient client{app.host(), app.port()};
  const auto operator_token = mint(app, platform_principal(auth::Role::operator_));
  auto unit = create_unit(client, operator_token, std::nullopt, "sess-" + unique_suffix());
  auto account = create_account(client, operator_token, "sess." + unique_suffix(), unit.id);
  grant_role(client, operator_token, account.id, "employee");
  auto other = create_account(client, operator_token, "sess." + unique_suffix(), unit.id);
  grant_role(client, operator_token, other.id, "employee");

  HttpClient phone(app.host(), app.port());
  const std::string phone_source = random_loopback();
  phone.bind_source(phone_source);
  phone.set_default_header("user-agent", "HuicaiPhone/1.0");
  auto on_phone = login(phone, account.login, account.password);
  REQUIRE(on_phone.response.status == 200);
  auto on_desk = login(client, account.login, account.password);
  REQUIRE(on_desk.response.status == 200);

  auto listed = client.get("/v1/me/sessions", bearer(on_desk.access_token));
  INFO(listed.body);
  REQUIRE(listed.status == 200);
  auto items = listed.json().at("items").as_array();
  REQUIRE(items.size() == 2);
  std::string phone_session;
  for (const auto& item : items) {
    if (item.at("current").as_bool()) {
      CHECK(item.at("source_address").as_string() == "127.0.0.1");
      continue;
    }
    phone_session = std::string(item.at("id").as_string());
    CHECK(item.at("source_address").as_string() == phone_source);
    CHECK(item.at("user_agent").as_string() == "HuicaiPhone/1.0");
    CHECK(item.at("device_id").is_string());
    CHECK(!item.at("created_at").as_string().empty());
    CHECK(!item.at("last_used_at").as_string().empty());
  }
  REQUIRE(!phone_session.empty());

  // Another account cannot end it (404, like an unknown id).
  auto intruder = login(client, other.login, other.password);
  CHECK(client.del("/v1/me/sessions/" + phone_session, bearer(intruder.access_token)).status ==
        404);
  CHECK(phone.get("/v1/me", bearer(on_phone.access_token)).status == 200);

  CHECK(client.del("/v1/me/sessions/" + phone_session, bearer(on_desk.access_token)).status == 204);
  CHECK(phone.get("/v1/me", bearer(on_phone.access_token)).status == 401);
  auto refreshed = phone.post(
      "/v1/auth/refresh",
      boost::json::serialize(boost::json::object{{"refresh_token", on_phone.refresh_token}}));
  CHECK(refreshed.status == 401);
  CHECK(client.get("/v1/me", bearer(on_desk.access_token)).status == 200);
  auto after = client.get("/v1/me/sessions", bearer(on_desk.access_token));
  CHECK(after.json().at("items").as_array().size() == 1);
  CHECK(client.del("/v1/me/sessions/" + phone_session, bearer(on_desk.access_token)).status == 404);

  // A password change ends every session.
  auto changed = post_json(client, "/v1/auth/password",
                           boost::json::object{{"current_password", account.password},
                                               {"new_password", "Another-Horse-4321"}},
                           on_desk.access_token);
  CHECK(changed.status == 204);
  auto fresh = login(client, account.login, "Another-Horse-4321");
  REQUIRE(fresh.response.status == 200);
  auto remaining = client.get("/v1/me/sessions", bearer(fresh.access_token));
  CHECK(remaining.json().at("items").as_array().size() == 1);
}
