// POST /v1/auth/login through a real server: success, one answer for every kind of wrong
// credentials, and the throttling keyed to who guesses (issue 19): per source, per login over
// unknown sources, per device token.
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
  // Its own address: the wrong passwords these tests send count against it, not 127.0.0.1.
  bool bound = (client.bind_source(random_loopback()), true);
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

TEST_CASE(
    "500 wrong passwords from one source neither lock the owner out elsewhere nor on a known "
    "device",
    "[identity][login][throttle]") {
  LoginWorld world;
  auto account = world.employee();
  const std::string attacker_source = random_loopback();
  const std::string other_source = random_loopback();
  INFO("attacker " << attacker_source << ", owner elsewhere " << other_source);

  // The owner signed in on this device before (same address as the attacker: one NAT).
  HttpClient device(world.app.host(), world.app.port());
  device.bind_source(attacker_source);
  auto earlier = login(device, account.login, account.password);
  REQUIRE(earlier.response.status == 200);
  REQUIRE(!earlier.device_token.empty());

  HttpClient attacker(world.app.host(), world.app.port());
  attacker.bind_source(attacker_source);
  int wrong = 0, refused = 0;
  bool every_refusal_says_when = true;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 500; ++i) {
    auto answer = login(attacker, account.login, "Wrong-password-" + std::to_string(i)).response;
    if (answer.status == 401) ++wrong;
    if (answer.status == 429) {
      ++refused;
      every_refusal_says_when = every_refusal_says_when && !answer.header("retry-after").empty() &&
                                std::stoi(answer.header("retry-after")) >= 1;
    }
  }
  const double attack_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  WARN("500 wrong passwords answered in " << attack_seconds << " s");
  // Only the first few reached the password hash; the rest were refused before it.
  CHECK(wrong == static_cast<int>(world.app.config().login_max_failures_per_source));
  CHECK(refused == 500 - wrong);
  CHECK(every_refusal_says_when);
  CHECK(attack_seconds < 60);

  // The owner, from another address: at once.
  HttpClient elsewhere(world.app.host(), world.app.port());
  elsewhere.bind_source(other_source);
  auto from_elsewhere = login(elsewhere, account.login, account.password);
  INFO(from_elsewhere.response.body);
  CHECK(from_elsewhere.response.status == 200);
  // The owner, on the known device behind the attacker's address: at once.
  auto from_device = login(device, account.login, account.password, earlier.device_token);
  INFO(from_device.response.body);
  CHECK(from_device.response.status == 200);
  // The device token also works as the cookie a browser sends back.
  auto by_cookie = device.post("/v1/auth/login",
                               boost::json::serialize(boost::json::object{
                                   {"login", account.login}, {"password", account.password}}),
                               {{"cookie", "huicai_device=" + earlier.device_token}});
  CHECK(by_cookie.status == 200);
  // Unknown attempts from the attacker's address keep getting 429, the right password too.
  auto still = login(attacker, account.login, account.password).response;
  CHECK(still.status == 429);
  CHECK(std::stoi(still.header("retry-after")) >= 1);
  // A device token for another login does not count as known.
  auto other = world.employee();
  auto foreign = login(attacker, account.login, account.password,
                       login(elsewhere, other.login, other.password).device_token);
  CHECK(foreign.response.status == 429);
}

TEST_CASE("one source trying 1,000 login names is held to the configured number of failures",
          "[identity][login][throttle]") {
  TestApp app{identity_only(), [](Config& config) {
                config.access_log = false;
                config.login_source_failures = 20;
              }};
  HttpClient stuffer(app.host(), app.port());
  stuffer.bind_source(random_loopback());
  int wrong = 0, refused = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    auto answer =
        login(stuffer, "stuffed." + std::to_string(i) + "." + unique_suffix(), "Password-123456")
            .response;
    if (answer.status == 401) ++wrong;
    if (answer.status == 429 && !answer.header("retry-after").empty()) ++refused;
  }
  WARN("1,000 login names answered in "
       << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
       << " s");
  CHECK(wrong == 20);
  CHECK(refused == 980);
  // Another source is not affected.
  HttpClient neighbour(app.host(), app.port());
  neighbour.bind_source(random_loopback());
  CHECK(login(neighbour, "stuffed.0.x", "Password-123456").response.status == 401);
}

TEST_CASE("guessing one login from many sources stops unknown sources, never a known device",
          "[identity][login][throttle]") {
  TestApp app{identity_only(), [](Config& config) {
                config.access_log = false;
                config.login_max_failures_per_source = 3;
                config.login_unknown_source_failures = 6;
              }};
  HttpClient client{app.host(), app.port()};
  const auto operator_token = mint(app, platform_principal(auth::Role::operator_));
  auto unit = create_unit(client, operator_token, std::nullopt, "login-" + unique_suffix());
  auto account = create_account(client, operator_token, "emp." + unique_suffix(), unit.id);
  grant_role(client, operator_token, account.id, "employee");
  HttpClient device(app.host(), app.port());
  device.bind_source(random_loopback());
  auto earlier = login(device, account.login, account.password);
  REQUIRE(earlier.response.status == 200);

  for (int source = 0; source < 2; ++source) {
    HttpClient guesser(app.host(), app.port());
    guesser.bind_source(random_loopback());
    for (int i = 0; i < 3; ++i) {
      CHECK(login(guesser, account.login, "Wrong-password-1").response.status == 401);
    }
  }
  HttpClient fresh(app.host(), app.port());
  fresh.bind_source(random_loopback());
  auto unknown = login(fresh, account.login, account.password).response;
  CHECK(unknown.status == 429);
  CHECK(std::stoi(unknown.header("retry-after")) >= 1);
  CHECK(login(device, account.login, account.password, earlier.device_token).response.status ==
        200);
}

TEST_CASE("a device token has its own small failure budget", "[identity][login][throttle]") {
  TestApp app{identity_only(), [](Config& config) {
                config.access_log = false;
                config.login_device_max_failures = 3;
              }};
  HttpClient client{app.host(), app.port()};
  client.bind_source(random_loopback());
  const auto operator_token = mint(app, platform_principal(auth::Role::operator_));
  auto unit = create_unit(client, operator_token, std::nullopt, "login-" + unique_suffix());
  auto account = create_account(client, operator_token, "emp." + unique_suffix(), unit.id);
  auto earlier = login(client, account.login, account.password);
  REQUIRE(earlier.response.status == 200);
  // A stolen device token is no skeleton key: after its budget it is one more unknown client,
  // held by the per-source limit (5 by default) like any other.
  int wrong = 0;
  for (int i = 0; i < 20; ++i) {
    auto answer = login(client, account.login, "Wrong-password-1", earlier.device_token).response;
    if (answer.status == 401) ++wrong;
  }
  CHECK(wrong == 3 + static_cast<int>(app.config().login_max_failures_per_source));
}

TEST_CASE("more attempts a minute from one source than the limit get 429 with Retry-After",
          "[identity][login]") {
  // The limit (default 300, HUICAI_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE) counts in wall-clock
  // minutes: with 3 the attempts take a few seconds, and they start early enough in a minute
  // that its window cannot roll over in between (at most 15 s of waiting for the next one).
  TestApp app{identity_only(), [](Config& config) {
                config.access_log = false;
                config.login_attempts_per_ip_per_minute = 3;
              }};
  HttpClient client{app.host(), app.port()};
  client.bind_source(random_loopback());
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
