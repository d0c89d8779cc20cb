#pragma once
// Helpers for the identity integration tests: a running app with every service this build has,
// tokens minted for any principal, and the admin API calls the tests build their fixtures with.
// Everything created gets a per-run random suffix, so the tests pass twice on one database.

#include <sodium.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/identity/service.hpp>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "test_app.hpp"

#if __has_include(<huicai/catalog/service.hpp>)
#include <huicai/catalog/service.hpp>
#define HUICAI_TEST_HAS_CATALOG 1
#endif
#if __has_include(<huicai/ordering/service.hpp>)
#include <huicai/ordering/service.hpp>
#define HUICAI_TEST_HAS_ORDERING 1
#endif
#if __has_include(<huicai/settlement/service.hpp>)
#include <huicai/settlement/service.hpp>
#define HUICAI_TEST_HAS_SETTLEMENT 1
#endif
#if __has_include(<huicai/aidstats/service.hpp>)
#include <huicai/aidstats/service.hpp>
#define HUICAI_TEST_HAS_AIDSTATS 1
#endif

namespace huicai::test::identity_world {

inline std::vector<app::ServiceEntry> all_services() {
  std::vector<app::ServiceEntry> services{huicai::identity::service_entry()};
#ifdef HUICAI_TEST_HAS_CATALOG
  services.push_back(huicai::catalog::service_entry());
#endif
#ifdef HUICAI_TEST_HAS_ORDERING
  services.push_back(huicai::ordering::service_entry());
#endif
#ifdef HUICAI_TEST_HAS_SETTLEMENT
  services.push_back(huicai::settlement::service_entry());
#endif
#ifdef HUICAI_TEST_HAS_AIDSTATS
  services.push_back(huicai::aidstats::service_entry());
#endif
  return services;
}

inline std::vector<app::ServiceEntry> identity_only() {
  return {huicai::identity::service_entry()};
}

// 8 hex characters, different every call.
inline std::string unique_suffix() {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init");
  return std::to_string(randombytes_uniform(0x7fffffff)) + "x" +
         std::to_string(randombytes_uniform(0x7fffffff));
}

inline std::string mint(TestApp& app, const auth::Principal& principal) {
  return app.context().tokens().issue_access(principal).token;
}

// An operator that exists only in the token (the tests' back door to the admin API).
inline auth::Principal platform_principal(auth::Role role, std::uint64_t account_id = 900000001) {
  auth::Principal principal;
  principal.account_id = account_id;
  principal.login = "test." + std::string(auth::to_string(role));
  principal.roles = {role};
  return principal;
}

inline HeaderList bearer(const std::string& token) {
  return {{"authorization", "Bearer " + token}};
}

inline HttpResponse post_json(HttpClient& client, const std::string& target,
                              const boost::json::value& body, const std::string& token) {
  return client.post(target, boost::json::serialize(body), bearer(token));
}

struct UnitRef {
  std::uint64_t id = 0;
  std::string path;
  std::string code;
};

inline UnitRef create_unit(HttpClient& client, const std::string& operator_token,
                           std::optional<std::uint64_t> parent_id, const std::string& code,
                           const std::string& kind = "unit") {
  boost::json::object body{{"code", code}, {"name", "测试单位 " + code}, {"kind", kind}};
  body["parent_id"] = parent_id ? boost::json::value(*parent_id) : boost::json::value(nullptr);
  auto response = post_json(client, "/v1/org/units", body, operator_token);
  INFO(response.body);
  REQUIRE(response.status == 201);
  auto json = response.json().as_object();
  return {json.at("id").to_number<std::uint64_t>(), std::string(json.at("path").as_string()), code};
}

struct AccountRef {
  std::uint64_t id = 0;
  std::string login;
  std::string password;
};

inline AccountRef create_account(HttpClient& client, const std::string& operator_token,
                                 const std::string& login, std::optional<std::uint64_t> unit_id,
                                 const std::string& password = "Correct-Horse-42") {
  boost::json::object body{
      {"login", login}, {"display_name", "测试 " + login}, {"password", password}};
  if (unit_id) body["unit_id"] = *unit_id;
  auto response = post_json(client, "/v1/accounts", body, operator_token);
  INFO(response.body);
  REQUIRE(response.status == 201);
  return {response.json().at("id").to_number<std::uint64_t>(), login, password};
}

inline void grant_role(HttpClient& client, const std::string& operator_token,
                       std::uint64_t account_id, const std::string& role,
                       boost::json::object extra = {}) {
  extra["role"] = role;
  auto response = post_json(client, "/v1/accounts/" + std::to_string(account_id) + "/roles", extra,
                            operator_token);
  INFO(response.body);
  REQUIRE(response.status == 200);
}

// The answer of the password step (or of the code step): tokens, or the challenge of an
// account that must send a code, or the enrolment-only token of one that has no factor yet.
struct LoginResult {
  HttpResponse response;
  std::string access_token;
  std::string refresh_token;
  std::string device_token;
  std::string challenge;        // mfa_required
  bool enrolment_only = false;  // mfa_enrolment_required: access_token opens enrolment only
};

inline std::string json_text(const boost::json::object& json, const char* key) {
  const auto* value = json.if_contains(key);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

inline LoginResult read_login(HttpResponse response) {
  LoginResult result;
  result.response = std::move(response);
  if (result.response.status == 200) {
    auto json = result.response.json().as_object();
    result.access_token = json_text(json, "access_token");
    result.refresh_token = json_text(json, "refresh_token");
    result.device_token = json_text(json, "device_token");
    result.challenge = json_text(json, "challenge");
    result.enrolment_only = json.if_contains("mfa_enrolment_required") != nullptr;
  }
  return result;
}

inline LoginResult login(HttpClient& client, const std::string& login_name,
                         const std::string& password, const std::string& device_token = {}) {
  boost::json::object body{{"login", login_name}, {"password", password}};
  if (!device_token.empty()) body["device_token"] = device_token;
  return read_login(client.post("/v1/auth/login", boost::json::serialize(body)));
}

// The code step: challenge + a TOTP code ("code") or a recovery code ("recovery_code").
inline LoginResult second_step(HttpClient& client, const std::string& challenge,
                               const std::string& code, const char* kind = "code") {
  return read_login(client.post("/v1/auth/mfa", boost::json::serialize(boost::json::object{
                                                    {"challenge", challenge}, {kind, code}})));
}

inline std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The code an authenticator app shows `steps` 30-second steps from now (-1: the previous one).
inline std::string totp_now(const std::string& base32_secret, int steps = 0) {
  return huicai::identity::totp_code(base32_secret, unix_now() + 30 * steps);
}

struct Enrolment {
  std::string secret;  // base32
  std::vector<std::string> recovery_codes;
};

// Enrols a TOTP factor with `token` (a full or an enrolment-only token) and confirms it with the
// previous step's code, so the current step's code is still unused for a sign-in.
inline Enrolment enrol_totp(HttpClient& client, const std::string& token) {
  auto started = client.post("/v1/me/mfa/totp", "", bearer(token));
  INFO(started.body);
  REQUIRE(started.status == 201);
  Enrolment enrolment;
  enrolment.secret = std::string(started.json().at("secret").as_string());
  auto confirmed = client.post(
      "/v1/me/mfa/totp/confirm",
      boost::json::serialize(boost::json::object{{"code", totp_now(enrolment.secret, -1)}}),
      bearer(token));
  INFO(confirmed.body);
  REQUIRE(confirmed.status == 200);
  const auto confirmed_json = confirmed.json();
  for (const auto& code : confirmed_json.at("recovery_codes").as_array()) {
    enrolment.recovery_codes.emplace_back(code.as_string());
  }
  return enrolment;
}

// A complete sign-in for an account whose role needs a second factor: enrols one when the
// account has none, then password step + code step. Returns the code step's answer.
inline LoginResult sign_in_with_code(HttpClient& client, const std::string& login_name,
                                     const std::string& password,
                                     std::string* secret_out = nullptr) {
  auto first = login(client, login_name, password);
  INFO(first.response.body);
  REQUIRE(first.response.status == 200);
  std::string secret = secret_out ? *secret_out : std::string();
  if (first.enrolment_only) {
    secret = enrol_totp(client, first.access_token).secret;
    first = login(client, login_name, password);
    REQUIRE(first.response.status == 200);
  }
  if (secret_out) *secret_out = secret;
  REQUIRE(!first.challenge.empty());
  auto second = second_step(client, first.challenge, totp_now(secret));
  INFO(second.response.body);
  REQUIRE(second.response.status == 200);
  return second;
}

// A random loopback address 127.x.y.z (not 127.0.0.1): sign-in limits count per source, so a
// test that fails sign-ins on purpose does it from an address of its own.
inline std::string random_loopback() {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init");
  return "127." + std::to_string(1 + randombytes_uniform(254)) + "." +
         std::to_string(1 + randombytes_uniform(254)) + "." +
         std::to_string(2 + randombytes_uniform(253));
}

// The problem body without the members that differ per request.
inline boost::json::object problem_without_request_id(const HttpResponse& response) {
  auto json = response.json().as_object();
  json.erase("request_id");
  return json;
}

inline std::string problem_type(const HttpResponse& response) {
  try {
    return std::string(response.json().at("type").as_string());
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace huicai::test::identity_world
