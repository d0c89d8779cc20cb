// The second factor (issue 19): roles in HUICAI_MFA_REQUIRED_ROLES sign in with password + TOTP
// code; codes and recovery codes work once; without an enrolled factor such an account gets a
// token that opens the enrolment routes and nothing else.
#include <huicai/core/app/application.hpp>
#include <huicai/core/http/router.hpp>
#include <set>

#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

namespace {

struct FactorWorld {
  TestApp app{all_services(), [](Config& config) { config.access_log = false; }};
  HttpClient client{app.host(), app.port()};
  bool bound = (client.bind_source(random_loopback()), true);
  std::string operator_token = mint(app, platform_principal(auth::Role::operator_));

  AccountRef platform_account(const std::string& role) {
    auto account =
        create_account(client, operator_token, role + "." + unique_suffix(), std::nullopt);
    grant_role(client, operator_token, account.id, role);
    return account;
  }
};

// Every route's pattern with each {parameter} replaced by 1.
std::string concrete(const std::string& pattern) {
  std::string out;
  bool inside = false;
  for (char c : pattern) {
    if (c == '{') {
      inside = true;
      out += '1';
    } else if (c == '}') {
      inside = false;
    } else if (!inside) {
      out += c;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a finance sign-in needs a code, and each code and recovery code works once",
          "[identity][mfa]") {
  FactorWorld world;
  auto finance = world.platform_account("finance");

  // No factor yet: an enrolment-only token, no refresh token.
  auto first = login(world.client, finance.login, finance.password);
  INFO(first.response.body);
  REQUIRE(first.response.status == 200);
  CHECK(first.enrolment_only);
  CHECK(first.refresh_token.empty());
  CHECK(world.client.get("/v1/me", bearer(first.access_token)).status == 200);
  auto money = world.client.get("/v1/audit?limit=1", bearer(first.access_token));
  CHECK(money.status == 403);

  auto enrolment = enrol_totp(world.client, first.access_token);
  CHECK(enrolment.recovery_codes.size() == 10);
  // Confirming ended every session, the enrolment token's too.
  CHECK(world.client.get("/v1/me", bearer(first.access_token)).status == 401);

  // Password alone: a challenge, no token.
  auto password_only = login(world.client, finance.login, finance.password);
  INFO(password_only.response.body);
  REQUIRE(password_only.response.status == 200);
  CHECK(password_only.access_token.empty());
  CHECK(password_only.refresh_token.empty());
  REQUIRE(!password_only.challenge.empty());

  // A wrong code: 401, no token.
  const std::string current = totp_now(enrolment.secret);
  const std::string wrong = current == "000000" ? "111111" : "000000";
  auto refused = second_step(world.client, password_only.challenge, wrong);
  CHECK(refused.response.status == 401);
  CHECK(refused.access_token.empty());

  // The right code: tokens.
  auto signed_in = second_step(world.client, password_only.challenge, current);
  INFO(signed_in.response.body);
  REQUIRE(signed_in.response.status == 200);
  CHECK(!signed_in.access_token.empty());
  CHECK(!signed_in.refresh_token.empty());
  auto me = world.client.get("/v1/me", bearer(signed_in.access_token));
  CHECK(me.status == 200);

  // The same code again, even with a fresh challenge: 401.
  auto again = login(world.client, finance.login, finance.password);
  REQUIRE(!again.challenge.empty());
  auto replayed = second_step(world.client, again.challenge, current);
  INFO(replayed.response.body);
  CHECK(replayed.response.status == 401);
  CHECK(problem_type(replayed.response) == "https://huicai.dev/problems/invalid-code");

  // A recovery code works once.
  auto by_recovery =
      second_step(world.client, again.challenge, enrolment.recovery_codes[3], "recovery_code");
  INFO(by_recovery.response.body);
  CHECK(by_recovery.response.status == 200);
  auto third = login(world.client, finance.login, finance.password);
  CHECK(second_step(world.client, third.challenge, enrolment.recovery_codes[3], "recovery_code")
            .response.status == 401);

  // A forged or altered challenge is refused.
  auto forged = second_step(world.client, third.challenge + "x", totp_now(enrolment.secret, 1));
  CHECK(forged.response.status == 401);

  // The audit log has the enrolment, the sign-ins and the recovery code's use.
  const auto auditor = mint(world.app, platform_principal(auth::Role::auditor, 900000002));
  auto log = world.client.get(
      "/v1/audit?target_type=account&target_id=" + std::to_string(finance.id) + "&limit=50",
      bearer(auditor));
  REQUIRE(log.status == 200);
  std::set<std::string> actions;
  const auto log_json = log.json();
  for (const auto& item : log_json.at("items").as_array()) {
    actions.insert(std::string(item.at("action").as_string()));
  }
  CHECK(actions.count("mfa.enrolled") == 1);
  CHECK(actions.count("auth.signed_in") == 1);
  CHECK(actions.count("mfa.recovery_code_used") == 1);
}

TEST_CASE("an enrolment-only token opens the enrolment routes and no other route",
          "[identity][mfa]") {
  FactorWorld world;
  auto operator_account = world.platform_account("operator");
  auto first = login(world.client, operator_account.login, operator_account.password);
  REQUIRE(first.response.status == 200);
  REQUIRE(first.enrolment_only);
  auto body = first.response.json();
  CHECK(body.at("enrol").as_string() == "/v1/me/mfa/totp");

  std::size_t refused = 0;
  for (const http::Route& route : world.app.application().router().routes()) {
    if (route.rule.is_public) continue;
    const std::string target = concrete(route.pattern);
    auto answer = world.client.request(http::to_string(route.method), target, "{}",
                                       bearer(first.access_token));
    INFO(http::to_string(route.method)
         << " " << target << " -> " << answer.status << " " << answer.body);
    if (route.rule.admits_enrolment_only) {
      CHECK(answer.status != 403);
    } else {
      CHECK(answer.status == 403);
      ++refused;
    }
  }
  CHECK(refused > 20);
}

TEST_CASE("wrong codes count as sign-in failures", "[identity][mfa][throttle]") {
  TestApp app{identity_only(), [](Config& config) {
                config.access_log = false;
                config.login_max_failures_per_source = 3;
              }};
  HttpClient client{app.host(), app.port()};
  client.bind_source(random_loopback());
  const auto operator_token = mint(app, platform_principal(auth::Role::operator_));
  auto finance = create_account(client, operator_token, "fin." + unique_suffix(), std::nullopt);
  grant_role(client, operator_token, finance.id, "finance");
  std::string secret;
  sign_in_with_code(client, finance.login, finance.password, &secret);

  auto step = login(client, finance.login, finance.password);
  REQUIRE(!step.challenge.empty());
  for (int i = 0; i < 3; ++i) {
    CHECK(second_step(client, step.challenge, "000000").response.status == 401);
  }
  // The source is now held for this login: even the right code gets 429.
  auto held = second_step(client, step.challenge, totp_now(secret, 1));
  CHECK(held.response.status == 429);
  CHECK(login(client, finance.login, finance.password).response.status == 429);
}

TEST_CASE("disabling the factor needs the password and a code, and ends every session",
          "[identity][mfa]") {
  FactorWorld world;
  auto admin = world.platform_account("auditor");
  std::string secret;
  auto session = sign_in_with_code(world.client, admin.login, admin.password, &secret);
  auto wrong_password = post_json(
      world.client, "/v1/me/mfa/totp/disable",
      boost::json::object{{"password", "Not-the-password-1"}, {"code", totp_now(secret, 1)}},
      session.access_token);
  CHECK(wrong_password.status == 422);
  auto disabled =
      post_json(world.client, "/v1/me/mfa/totp/disable",
                boost::json::object{{"password", admin.password}, {"code", totp_now(secret, 1)}},
                session.access_token);
  INFO(disabled.body);
  CHECK(disabled.status == 204);
  CHECK(world.client.get("/v1/me", bearer(session.access_token)).status == 401);
  // The role still needs a factor: back to an enrolment-only token.
  CHECK(login(world.client, admin.login, admin.password).enrolment_only);
}
