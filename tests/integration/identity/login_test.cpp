// POST /v1/auth/login through a real server: success, one answer for every kind of wrong
// credentials, lockout, and the per-login attempt limit.
#include <chrono>
#include <thread>

#include "identity_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::identity_world;

namespace {

struct LoginWorld {
  TestApp app{identity_only(), [](Config& config) { config.access_log = false; }};
  HttpClient client{app.host(), app.port()};
  std::string operator_token = mint(app, platform_principal(auth::Role::operator_));
  std::string suffix = unique_suffix();

  AccountRef employee() {
    auto unit = create_unit(client, operator_token, std::nullopt, "login-" + unique_suffix());
    auto account = create_account(client, operator_token, "emp." + unique_suffix(), unit.id);
    grant_role(client, operator_token, account.id, "employee");
    return account;
  }
};

double seconds_of(const std::function<void()>& action) {
  const auto started = std::chrono::steady_clock::now();
  action();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace

TEST_CASE("a correct login returns an access and a refresh token that work", "[identity][login]") {
  LoginWorld world;
  auto account = world.employee();
  auto result = login(world.client, account.login, account.password);
  INFO(result.response.body);
  REQUIRE(result.response.status == 200);
  auto body = result.response.json().as_object();
  CHECK(body.at("token_type").as_string() == "Bearer");
  CHECK(body.at("expires_in").as_int64() == world.app.config().access_token_ttl.count());
  CHECK(!result.refresh_token.empty());
  CHECK(body.at("account").at("login").as_string() == account.login);
  CHECK(body.at("account").as_object().if_contains("password_hash") == nullptr);

  auto me = world.client.get("/v1/me", bearer(result.access_token));
  INFO(me.body);
  REQUIRE(me.status == 200);
  CHECK(me.json().at("id").to_number<std::uint64_t>() == account.id);
  CHECK(me.json().at("roles").at(0).at("role").as_string() == "employee");

  // Logins are case-insensitive.
  auto upper = account.login;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(login(world.client, upper, account.password).response.status == 200);
}

TEST_CASE("wrong password and unknown login get the same 401 in similar time",
          "[identity][login]") {
  LoginWorld world;
  auto account = world.employee();
  HttpResponse wrong, unknown;
  double wrong_seconds = 1e9, unknown_seconds = 1e9;
  // Best of three each: the machine may be busy; the point is that both do a full hash.
  for (int i = 0; i < 3; ++i) {
    wrong_seconds = std::min(wrong_seconds, seconds_of([&] {
                               wrong =
                                   login(world.client, account.login, "Wrong-password-1").response;
                             }));
    unknown_seconds = std::min(
        unknown_seconds, seconds_of([&] {
          unknown = login(world.client, "nobody." + unique_suffix(), "Wrong-password-1").response;
        }));
  }
  REQUIRE(wrong.status == 401);
  REQUIRE(unknown.status == 401);
  CHECK(problem_without_request_id(wrong) == problem_without_request_id(unknown));
  CHECK(problem_type(wrong) == "https://huicai.dev/problems/invalid-credentials");
  INFO("wrong password " << wrong_seconds << " s, unknown login " << unknown_seconds << " s");
  CHECK(unknown_seconds > wrong_seconds * 0.3);
  CHECK(wrong_seconds > unknown_seconds * 0.3);
}

TEST_CASE("five wrong passwords lock the login, and the right one is then refused with 429",
          "[identity][login]") {
  LoginWorld world;
  auto account = world.employee();
  for (int i = 0; i < 5; ++i) {
    CHECK(
        login(world.client, account.login, "Wrong-password-" + std::to_string(i)).response.status ==
        401);
  }
  auto locked = login(world.client, account.login, account.password).response;
  INFO(locked.body);
  CHECK(locked.status == 429);
  CHECK(problem_type(locked) == "https://huicai.dev/problems/login-locked");
  const auto retry_after = std::stoi(locked.header("retry-after"));
  CHECK(retry_after > 0);
  CHECK(retry_after <= 15 * 60);

  // An unknown login locks the same way, so a lockout does not reveal that an account exists.
  const std::string ghost = "ghost." + unique_suffix();
  for (int i = 0; i < 5; ++i) {
    CHECK(login(world.client, ghost, "Wrong-password-1").response.status == 401);
  }
  auto ghost_locked = login(world.client, ghost, "Wrong-password-1").response;
  CHECK(ghost_locked.status == 429);
  CHECK(problem_type(ghost_locked) == problem_type(locked));
}

TEST_CASE("the lockout threshold and length come from HUICAI_LOGIN_* settings",
          "[identity][login]") {
  TestApp app{identity_only(), [](Config& config) {
                config.access_log = false;
                config.login_max_failures = 2;
                config.login_lock_duration = std::chrono::seconds(60);
              }};
  HttpClient client{app.host(), app.port()};
  const auto operator_token = mint(app, platform_principal(auth::Role::operator_));
  auto unit = create_unit(client, operator_token, std::nullopt, "login-" + unique_suffix());
  auto account = create_account(client, operator_token, "emp." + unique_suffix(), unit.id);
  for (int i = 0; i < 2; ++i) {
    CHECK(login(client, account.login, "Wrong-password-1").response.status == 401);
  }
  auto locked = login(client, account.login, account.password).response;
  INFO(locked.body);
  CHECK(locked.status == 429);
  CHECK(problem_type(locked) == "https://huicai.dev/problems/login-locked");
  const auto retry_after = std::stoi(locked.header("retry-after"));
  CHECK(retry_after > 0);
  CHECK(retry_after <= 60);
}

TEST_CASE("more attempts a minute than the per-login limit get 429 with Retry-After",
          "[identity][login]") {
  // The limit (default 10, HUICAI_LOGIN_ATTEMPTS_PER_LOGIN_PER_MINUTE) counts in wall-clock
  // minutes: with 3 the attempts take a few seconds, and they start early enough in a minute
  // that its window cannot roll over in between (at most 15 s of waiting for the next one).
  TestApp app{identity_only(), [](Config& config) {
                config.access_log = false;
                config.login_attempts_per_login_per_minute = 3;
              }};
  HttpClient client{app.host(), app.port()};
  const auto operator_token = mint(app, platform_principal(auth::Role::operator_));
  auto unit = create_unit(client, operator_token, std::nullopt, "login-" + unique_suffix());
  auto account = create_account(client, operator_token, "emp." + unique_suffix(), unit.id);
  const auto into_minute =
      std::chrono::system_clock::now().time_since_epoch() % std::chrono::minutes(1);
  if (into_minute > std::chrono::seconds(45)) {
    std::this_thread::sleep_for(std::chrono::minutes(1) - into_minute);
  }
  for (int i = 0; i < 3; ++i) {
    INFO("attempt " << i);
    REQUIRE(login(client, account.login, account.password).response.status == 200);
  }
  auto limited = login(client, account.login, account.password).response;
  CHECK(limited.status == 429);
  CHECK(problem_type(limited) == "https://huicai.dev/problems/rate-limited");
  CHECK(std::stoi(limited.header("retry-after")) >= 1);
}

TEST_CASE("a login body with unknown or missing fields is 422", "[identity][login]") {
  LoginWorld world;
  auto extra =
      world.client.post("/v1/auth/login", R"({"login":"a","password":"b","remember_me":true})");
  CHECK(extra.status == 422);
  auto missing = world.client.post("/v1/auth/login", R"({"login":"a"})");
  CHECK(missing.status == 422);
  auto broken = world.client.post("/v1/auth/login", R"({"login":)");
  CHECK(broken.status == 400);
}
