// The demo loader: idempotent, and every documented demo account logs in with its role (the
// roles that need a second factor with the documented TOTP secret).
#include <map>
#include <set>

#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

TEST_CASE("every demo account logs in with the documented password and holds its role",
          "[identity][demo]") {
  TestApp app(identity_only(), [](Config& config) { config.access_log = false; });
  // Twice: the second run must find everything in place and change nothing. (Called directly:
  // Application::load_demo_data is the `huicai seed` tool, for an app that is not running.)
  huicai::identity::load_demo_data(app.context());
  huicai::identity::load_demo_data(app.context());
  HttpClient client(app.host(), app.port());
  const auto accounts = huicai::identity::demo_accounts();
  REQUIRE(accounts.size() == 9);
  std::map<std::string, std::string> tokens;
  for (const auto& account : accounts) {
    INFO(account.login);
    auto session = login(client, account.login, account.password);
    INFO(session.response.body);
    REQUIRE(session.response.status == 200);
    const bool needs_code =
        std::set<std::string>{"operator", "finance", "auditor", "unit_admin"}.count(account.role);
    CHECK(!account.totp_secret.empty() == needs_code);
    CHECK(session.challenge.empty() == !needs_code);
    if (needs_code) {
      // Every run of this test signs in again: the code of the previous, current or next step
      // (the window), whichever was not used yet.
      LoginResult second;
      for (int step = -1; step <= 1 && second.response.status != 200; ++step) {
        second = second_step(client, session.challenge, totp_now(account.totp_secret, step));
      }
      INFO(second.response.body);
      REQUIRE(second.response.status == 200);
      session = second;
    }
    tokens[account.login] = session.access_token;
    auto me = client.get("/v1/me", bearer(session.access_token));
    REQUIRE(me.status == 200);
    const auto me_json = me.json();
    REQUIRE(me_json.at("roles").as_array().size() == 1);
    CHECK(me_json.at("roles").at(0).at("role").as_string() == account.role);
  }
  // The demo unit admin sees its subsidiary's units only.
  auto units = client.get("/v1/org/units", bearer(tokens.at("demo.unitadmin")));
  REQUIRE(units.status == 200);
  const auto units_json = units.json();
  std::set<std::string> codes;
  for (const auto& unit : units_json.at("items").as_array()) {
    codes.insert(std::string(unit.at("code").as_string()));
  }
  for (const char* code : {"shendong", "shendong.canteen", "shendong.union", "shendong.office"}) {
    CHECK(codes.count(code) == 1);
  }
  CHECK(codes.count("chnenergy") == 0);
  CHECK(codes.count("pingzhuang") == 0);
}
