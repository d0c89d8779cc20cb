// Matrix fixtures for the identity routes (and the core health routes): how each route is
// called on an object of a given tenant. See authorization_matrix.hpp.
#include <boost/json.hpp>
#include <huicai/core/http/message.hpp>

#include "authorization_matrix.hpp"

using namespace huicai;
using huicai::http::Method;
namespace matrix = huicai::test::matrix;

namespace {

using Env = matrix::MatrixEnv;
using Caller = huicai::auth::Principal;
using Tenant = matrix::Tenant;

matrix::RouteFixture fixed(std::string target, std::string body = {}) {
  return {[target, body](Env&, const Caller&, const Tenant&) {
            return matrix::MatrixRequest{target, body};
          },
          false};
}

std::string json(const boost::json::object& object) {
  return boost::json::serialize(object);
}

const matrix::FixtureRegistration kRegistrations[] = {
    // Public.
    {Method::post, "/v1/auth/login", fixed("/v1/auth/login", "{}")},
    {Method::post, "/v1/auth/refresh", fixed("/v1/auth/refresh", "{}")},
    {Method::post, "/v1/auth/mfa", fixed("/v1/auth/mfa", "{}")},
    {Method::get, "/healthz", fixed("/healthz")},
    {Method::get, "/readyz", fixed("/readyz")},
    {Method::get, "/metrics", fixed("/metrics")},
    // The caller's own account: no other tenant's object to try.
    {Method::get, "/v1/me", fixed("/v1/me")},
    {Method::post, "/v1/auth/logout", fixed("/v1/auth/logout")},
    {Method::post, "/v1/auth/password",
     fixed("/v1/auth/password",
           R"({"current_password":"not-the-password","new_password":"Matrix-Horse-1234"})")},
    {Method::get, "/v1/me/mfa", fixed("/v1/me/mfa")},
    {Method::post, "/v1/me/mfa/totp", fixed("/v1/me/mfa/totp")},
    {Method::post, "/v1/me/mfa/totp/confirm",
     fixed("/v1/me/mfa/totp/confirm", R"({"code":"000000"})")},
    {Method::post, "/v1/me/mfa/totp/disable",
     fixed("/v1/me/mfa/totp/disable", R"({"password":"not-the-password","code":"000000"})")},
    {Method::get, "/v1/me/sessions", fixed("/v1/me/sessions")},
    // A session id is the caller's own or 404 (an id from another account answers 404 too:
    // sessions_test.cpp).
    {Method::delete_, "/v1/me/sessions/{session_id}",
     fixed("/v1/me/sessions/00000000-0000-0000-0000-000000000000")},
    // Lists filtered by scope; audit for auditors.
    {Method::get, "/v1/org/units", fixed("/v1/org/units")},
    {Method::get, "/v1/audit", fixed("/v1/audit?limit=5")},
    // Objects of a tenant.
    {Method::get, "/v1/org/units/{unit_id}", {[](Env&, const Caller&, const Tenant& owner) {
       return matrix::MatrixRequest{"/v1/org/units/" + std::to_string(owner.unit_id), ""};
     }}},
    {Method::post, "/v1/org/units", {[](Env& env, const Caller&, const Tenant& owner) {
       return matrix::MatrixRequest{"/v1/org/units", json({{"parent_id", owner.unit_id},
                                                           {"code", env.unique("mx-u-")},
                                                           {"name", "矩阵单位"},
                                                           {"kind", "unit"}})};
     }}},
    {Method::post, "/v1/accounts", {[](Env& env, const Caller&, const Tenant& owner) {
       return matrix::MatrixRequest{"/v1/accounts", json({{"login", env.unique("mx.acct.")},
                                                          {"display_name", "矩阵"},
                                                          {"password", "Matrix-Horse-1234"},
                                                          {"unit_id", owner.unit_id}})};
     }}},
    {Method::get, "/v1/accounts/{account_id}", {[](Env&, const Caller&, const Tenant& owner) {
       return matrix::MatrixRequest{"/v1/accounts/" + std::to_string(owner.member_account_id), ""};
     }}},
    {Method::post,
     "/v1/accounts/{account_id}/roles",
     {[](Env&, const Caller&, const Tenant& owner) {
       return matrix::MatrixRequest{
           "/v1/accounts/" + std::to_string(owner.member_account_id) + "/roles",
           R"({"role":"employee"})"};
     }}},
    {Method::delete_,
     "/v1/accounts/{account_id}/roles/{role}",
     {[](Env&, const Caller&, const Tenant& owner) {
       return matrix::MatrixRequest{
           "/v1/accounts/" + std::to_string(owner.member_account_id) + "/roles/unit_buyer", ""};
     }}},
    {Method::post,
     "/v1/accounts/{account_id}/password-reset",
     {[](Env&, const Caller&, const Tenant& owner) {
       return matrix::MatrixRequest{
           "/v1/accounts/" + std::to_string(owner.member_account_id) + "/password-reset",
           R"({"new_password":"Matrix-Horse-1234"})"};
     }}},
};

}  // namespace
