#pragma once
// Helpers for the identity integration tests: a running app with every service this build has,
// tokens minted for any principal, and the admin API calls the tests build their fixtures with.
// Everything created gets a per-run random suffix, so the tests pass twice on one database.

#include <sodium.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
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

namespace huicai::test::identity_world {

inline std::vector<app::ServiceEntry> all_services() {
  std::vector<app::ServiceEntry> services{huicai::identity::service_entry()};
#ifdef HUICAI_TEST_HAS_CATALOG
  services.push_back(huicai::catalog::service_entry());
#endif
#ifdef HUICAI_TEST_HAS_ORDERING
  services.push_back(huicai::ordering::service_entry());
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

struct LoginResult {
  HttpResponse response;
  std::string access_token;
  std::string refresh_token;
};

inline LoginResult login(HttpClient& client, const std::string& login_name,
                         const std::string& password) {
  LoginResult result;
  result.response = client.post(
      "/v1/auth/login",
      boost::json::serialize(boost::json::object{{"login", login_name}, {"password", password}}));
  if (result.response.status == 200) {
    auto json = result.response.json().as_object();
    result.access_token = std::string(json.at("access_token").as_string());
    result.refresh_token = std::string(json.at("refresh_token").as_string());
  }
  return result;
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
