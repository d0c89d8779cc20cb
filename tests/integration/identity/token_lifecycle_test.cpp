// Access and refresh tokens over their life: refresh rotation and reuse detection, logout,
// password change, expiry, and revocations reaching every instance through the MySQL record.
#include <chrono>
#include <thread>

#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

namespace {

struct Session {
  std::string access;
  std::string refresh;
};

struct LifecycleWorld {
  explicit LifecycleWorld(std::function<void(Config&)> adjust = {})
      : app(identity_only(), [adjust](Config& config) {
          config.access_log = false;
          if (adjust) adjust(config);
        }) {}
  TestApp app;
  HttpClient client{app.host(), app.port()};
  std::string operator_token = mint(app, platform_principal(auth::Role::operator_));

  AccountRef employee() {
    auto unit = create_unit(client, operator_token, std::nullopt, "life-" + unique_suffix());
    auto account = create_account(client, operator_token, "life." + unique_suffix(), unit.id);
    grant_role(client, operator_token, account.id, "employee");
    return account;
  }
  Session session_of(const AccountRef& account, const std::string& password = {}) {
    auto result = login(client, account.login, password.empty() ? account.password : password);
    INFO(result.response.body);
    REQUIRE(result.response.status == 200);
    return {result.access_token, result.refresh_token};
  }
  HttpResponse refresh(const std::string& refresh_token) {
    return client.post(
        "/v1/auth/refresh",
        boost::json::serialize(boost::json::object{{"refresh_token", refresh_token}}));
  }
  int me(const std::string& access) { return client.get("/v1/me", bearer(access)).status; }
};

}  // namespace

TEST_CASE("refresh rotates, the old refresh token is rejected and ends the session",
          "[identity][tokens]") {
  LifecycleWorld world;
  auto account = world.employee();
  auto first = world.session_of(account);

  auto rotated = world.refresh(first.refresh);
  INFO(rotated.body);
  REQUIRE(rotated.status == 200);
  const std::string second_access(rotated.json().at("access_token").as_string());
  const std::string second_refresh(rotated.json().at("refresh_token").as_string());
  CHECK(second_refresh != first.refresh);
  CHECK(world.me(second_access) == 200);

  // The first refresh token again: someone kept a copy. Refused, and the family is over.
  auto reused = world.refresh(first.refresh);
  CHECK(reused.status == 401);
  CHECK(problem_type(reused) == "https://huicai.dev/problems/refresh-token-reused");
  CHECK(world.refresh(second_refresh).status == 401);
  CHECK(world.me(second_access) == 401);
  CHECK(world.me(first.access) == 401);

  // Another session of the same account is not affected.
  auto other = world.session_of(account);
  CHECK(world.me(other.access) == 200);
  CHECK(world.refresh("not-a-refresh-token").status == 401);
}

TEST_CASE("logout revokes the access token and its refresh token", "[identity][tokens]") {
  LifecycleWorld world;
  auto account = world.employee();
  auto session = world.session_of(account);
  auto other = world.session_of(account);
  REQUIRE(world.me(session.access) == 200);

  auto out = world.client.post("/v1/auth/logout", "", bearer(session.access));
  CHECK(out.status == 204);
  CHECK(world.me(session.access) == 401);
  CHECK(world.refresh(session.refresh).status == 401);
  CHECK(world.me(other.access) == 200);  // logout ends this session only
  CHECK(world.client.post("/v1/auth/logout", "").status == 401);
}

TEST_CASE("a password change revokes every token of the account", "[identity][tokens]") {
  LifecycleWorld world;
  auto account = world.employee();
  auto first = world.session_of(account);
  auto second = world.session_of(account);
  const std::string new_password = "Another-Horse-77";

  auto wrong = post_json(world.client, "/v1/auth/password",
                         boost::json::object{{"current_password", "Not-the-password-1"},
                                             {"new_password", new_password}},
                         first.access);
  CHECK(wrong.status == 422);
  auto weak = post_json(
      world.client, "/v1/auth/password",
      boost::json::object{{"current_password", account.password}, {"new_password", "short"}},
      first.access);
  CHECK(weak.status == 422);

  auto changed = post_json(
      world.client, "/v1/auth/password",
      boost::json::object{{"current_password", account.password}, {"new_password", new_password}},
      first.access);
  INFO(changed.body);
  REQUIRE(changed.status == 204);
  CHECK(world.me(first.access) == 401);
  CHECK(world.me(second.access) == 401);
  CHECK(world.refresh(first.refresh).status == 401);
  CHECK(world.refresh(second.refresh).status == 401);
  CHECK(login(world.client, account.login, account.password).response.status == 401);
  auto fresh = world.session_of(account, new_password);
  CHECK(world.me(fresh.access) == 200);
}

TEST_CASE("a login racing a password change never keeps a token made with the old password",
          "[identity][tokens]") {
  // The login checks the old password (argon2, tens of ms) while the change commits; whichever
  // order the two end up in, the old password must not yield a working token afterwards. The
  // offsets move the login's start across the change's check-hash-commit span, so that some
  // rounds land the change's commit between the login's check and its token.
  LifecycleWorld world;
  int logins_refused = 0;
  int tokens_revoked = 0;
  // Past 300 ms the steps grow until logins come after the change (a slow machine hashes slower).
  const int offsets_ms[] = {0,   25,  50,  75,  100, 125, 150, 175,  200,
                            225, 250, 275, 300, 400, 600, 900, 1400, 2000};
  for (const int offset_ms : offsets_ms) {
    if (offset_ms > 300 && logins_refused >= 2) break;
    auto account = world.employee();
    auto session = world.session_of(account);
    HttpResponse changed;
    std::thread changer([&] {
      HttpClient client(world.app.host(), world.app.port());
      changed = post_json(client, "/v1/auth/password",
                          boost::json::object{{"current_password", account.password},
                                              {"new_password", "Another-Horse-77"}},
                          session.access);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(offset_ms));
    HttpClient racer(world.app.host(), world.app.port());
    auto raced = login(racer, account.login, account.password);
    changer.join();
    INFO("offset " << offset_ms << " ms, login " << raced.response.status);
    REQUIRE(changed.status == 204);
    if (raced.response.status == 200) {
      CHECK(world.me(raced.access_token) == 401);
      CHECK(world.refresh(raced.refresh_token).status == 401);
      ++tokens_revoked;
    } else {
      CHECK(raced.response.status == 401);
      ++logins_refused;
    }
  }
  // Both orders happened (a login before the change's commit, one after it).
  CHECK(tokens_revoked > 0);
  CHECK(logins_refused > 0);
}

TEST_CASE("an access token stops working when it expires", "[identity][tokens]") {
  LifecycleWorld world([](Config& config) { config.access_token_ttl = std::chrono::seconds(3); });
  auto account = world.employee();
  const auto issued = std::chrono::steady_clock::now();
  auto session = world.session_of(account);
  const int fresh = world.me(session.access);
  // On a loaded machine the first call may come late; it must work while surely inside the
  // lifetime.
  if (std::chrono::steady_clock::now() - issued < std::chrono::seconds(2)) CHECK(fresh == 200);
  // Bounded wait for the expiry, polling rather than sleeping a guess.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = world.me(session.access);
  }
  CHECK(status == 401);
  CHECK(std::chrono::steady_clock::now() - issued >= std::chrono::milliseconds(2900));
  // The refresh token outlives it and gives a new one.
  auto renewed = world.refresh(session.refresh);
  CHECK(renewed.status == 200);
}

TEST_CASE("a forged or tampered token is 401", "[identity][tokens]") {
  LifecycleWorld world;
  auto account = world.employee();
  auto session = world.session_of(account);
  auto tampered = session.access;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  CHECK(world.me(tampered) == 401);
  Config other = world.app.config();
  other.token_secret = "a-different-secret-of-enough-length-123456";
  auth::TokenService forger(other);
  auto principal = platform_principal(auth::Role::operator_);
  CHECK(world.client.get("/v1/org/units", bearer(forger.issue_access(principal).token)).status ==
        401);
  CHECK(world.client.get("/v1/org/units").status == 401);
}

TEST_CASE("a logout on one instance is refused by another within the poll interval",
          "[identity][tokens]") {
  LifecycleWorld first;
  LifecycleWorld second;  // same database, its own process-level revocation list
  auto account = first.employee();
  auto logged_out = first.session_of(account);
  auto still_in = first.session_of(account);
  REQUIRE(second.me(logged_out.access) == 200);

  REQUIRE(first.client.post("/v1/auth/logout", "", bearer(logged_out.access)).status == 204);
  CHECK(first.me(logged_out.access) == 401);  // the instance that logged out: at once

  // The other instance reads the record every HUICAI_REVOCATION_POLL_INTERVAL_MS (250 ms).
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::seconds(5);
  int status = 200;
  while (status != 401 && std::chrono::steady_clock::now() < deadline) {
    status = second.me(logged_out.access);
    if (status != 401) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(status == 401);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  CHECK(second.me(still_in.access) == 200);  // only the logged-out token
}

TEST_CASE("an instance started after a logout refuses the token on its first request",
          "[identity][tokens]") {
  std::string access;
  std::string other_access;
  {
    LifecycleWorld world;
    auto account = world.employee();
    access = world.session_of(account).access;
    other_access = world.session_of(world.employee()).access;
    REQUIRE(world.client.post("/v1/auth/logout", "", bearer(access)).status == 204);
  }
  LifecycleWorld restarted;  // loads every unexpired revocation before trusting its list
  CHECK(restarted.me(access) == 401);
  CHECK(restarted.me(other_access) == 200);
}
