#pragma once
// The authorization matrix: every registered route x every role x (own tenant's object, another
// tenant's object), checked over HTTP against docs/authorization.tsv.
//
// Services plug in here so their routes get the object-level checks too:
//   - a RouteFixture per route says how to call it on an object of a given tenant (path, body);
//   - a tenant setup fills in ids the service needs (e.g. the catalog creates a county and a
//     supplier per tenant and stores their ids in Tenant::county_id / supplier_id).
// Register them with static objects in a file of this folder named *_test.cpp, one per service:
// identity_matrix_fixtures_test.cpp, catalog_matrix_fixtures_test.cpp (and
// catalog_matrix_tenant.hpp, the catalog rows every tenant gets),
// ordering_matrix_fixtures_test.cpp. For example:
//   static const matrix::FixtureRegistration kOrder{http::Method::get, "/v1/orders/{order_id}",
//       {[](matrix::MatrixEnv& env, const auth::Principal& caller, const matrix::Tenant& owner) {
//          return matrix::MatrixRequest{"/v1/orders/" + create_order_for(env, caller, owner)};
//        }}};
// (Static registration works here: test sources are linked as objects, not from a library.)
// A route without a fixture is still checked for the role part: no token -> 401, a role the
// table does not grant -> 403. It is listed in the test output as "role part only".

#include <cstdint>
#include <functional>
#include <huicai/core/auth/roles.hpp>
#include <huicai/core/http/message.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace huicai::test {
class TestApp;
class HttpClient;
}  // namespace huicai::test

namespace huicai::test::matrix {

// One side of the tenancy split. Both tenants get a unit subtree of their own, an account in
// it, a supplier id and a county id.
struct Tenant {
  std::string name;  // "A" (the callers' own) or "B" (another tenant)
  std::uint64_t unit_id = 0;
  std::string unit_path;
  std::uint64_t member_account_id = 0;  // an account of the unit holding no role
  std::uint64_t supplier_id = 0;
  std::uint64_t county_id = 0;
  std::map<std::string, std::string> extra;  // free for tenant setups to share ids
};

struct MatrixEnv {
  TestApp& app;
  HttpClient& client;
  std::string operator_token;  // for setting things up through the API
  Tenant own;
  Tenant other;

  // The caller with `role` in `tenant`: a unit role gets the tenant's unit, supplier_staff its
  // supplier, county_officer its county; every caller has an account id of its own.
  auth::Principal principal(auth::Role role, const Tenant& tenant) const;
  std::string token_for(const auth::Principal& principal) const;  // a fresh token each call
  std::string unique(const std::string& prefix) const;            // unique per call and run
};

struct MatrixRequest {
  std::string target;  // path (and query) with the parameters filled in
  std::string body;    // JSON; empty for none
  std::vector<std::pair<std::string, std::string>> headers = {};  // e.g. idempotency-key
};

// A request that mixes another tenant's id or path with the caller's own: the other tenant's
// unit in the path with the caller's unit path in the body (the requests of issue 10), the
// caller's order with another tenant's fulfilment in the body, and so on. Every caller whose
// grant on the route is scoped (not `any`) must get 403, 404 or 422, and `unchanged`, when
// given, must read the same before and after the call (e.g. the other tenant's row).
struct CrossedRequest {
  std::string what;  // what is crossed, for the failure message
  std::function<MatrixRequest(MatrixEnv& env, const auth::Principal& caller)> request;
  std::function<std::string(MatrixEnv& env)> unchanged = {};
};

struct RouteFixture {
  // How `caller` calls the route on an object belonging to `owner` (own or other tenant).
  std::function<MatrixRequest(MatrixEnv& env, const auth::Principal& caller, const Tenant& owner)>
      request;
  // False for routes on the caller's own account or without an object (lists, /v1/me): only
  // the own-tenant call is made.
  bool has_other_tenant_object = true;
  // Requests crossing the tenants' ids in path and body (routes taking an id or a path).
  std::vector<CrossedRequest> crossed = {};
};

using RouteKey = std::pair<http::Method, std::string>;
std::map<RouteKey, RouteFixture>& fixtures();
std::vector<std::pair<std::string, std::function<void(MatrixEnv&, Tenant&)>>>& tenant_setups();

struct FixtureRegistration {
  FixtureRegistration(http::Method method, std::string pattern, RouteFixture fixture) {
    fixtures()[{method, std::move(pattern)}] = std::move(fixture);
  }
};
struct TenantSetupRegistration {
  TenantSetupRegistration(std::string name, std::function<void(MatrixEnv&, Tenant&)> setup) {
    tenant_setups().emplace_back(std::move(name), std::move(setup));
  }
};

}  // namespace huicai::test::matrix
