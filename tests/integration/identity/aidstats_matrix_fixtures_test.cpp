// Matrix fixtures for the aid totals routes (see authorization_matrix.hpp): the group-wide
// totals have no object of a tenant; a unit's totals belong to the unit, so a unit admin reads
// their own subtree and gets 403 for another tenant's unit. A unit's reserved share belongs to
// the unit the same way; rankings and the group's reserved-share report have no object.
#include <catch2/catch.hpp>
#include <chrono>

#include "authorization_matrix.hpp"
#include "http_client.hpp"

namespace {

using namespace huicai;
using namespace huicai::test;
using http::Method;
using Env = matrix::MatrixEnv;
using Caller = auth::Principal;
using Tenant = matrix::Tenant;
using Request = matrix::MatrixRequest;

matrix::RouteFixture fixed(std::string target) {
  return {[target](Env&, const Caller&, const Tenant&) { return Request{target}; }, false};
}

// China's calendar year, the year reserved shares are filed for.
std::string china_year() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(8);
  return std::to_string(static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year()));
}

std::string share_path(const Tenant& owner) {
  return "/v1/units/" + std::to_string(owner.unit_id) + "/reserved-share/" + china_year();
}

// Files the share, or changes it naming its current ETag (read as the operator), so every
// granted caller's call is a real filing.
Request file_share(Env& env, const Caller&, const Tenant& owner) {
  Request request{share_path(owner), R"({"base_fen":100000,"ratio_basis_points":3000})"};
  auto current =
      env.client.get(request.target, {{"authorization", "Bearer " + env.operator_token}});
  if (current.status == 200) request.headers.push_back({"if-match", current.header("etag")});
  return request;
}

const matrix::FixtureRegistration kRegistrations[] = {
    {Method::get, "/v1/aid-totals", fixed("/v1/aid-totals")},
    {Method::get, "/v1/aid-totals/breakdowns/{dimension}",
     fixed("/v1/aid-totals/breakdowns/county")},
    {Method::get, "/v1/aid-totals/series/{granularity}", fixed("/v1/aid-totals/series/year")},
    {Method::get,
     "/v1/aid-totals/counties/{county_id}",
     {[](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/aid-totals/counties/" + std::to_string(owner.county_id)};
     }}},
    // A list: every caller allowed sees the units where their roll-ups start.
    {Method::get, "/v1/aid-totals/units", fixed("/v1/aid-totals/units")},
    {Method::get, "/v1/aid-totals/units/{unit_id}", {[](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/aid-totals/units/" + std::to_string(owner.unit_id)};
     }}},
    {Method::put, "/v1/units/{unit_id}/reserved-share/{year}", {file_share}},
    {Method::get,
     "/v1/units/{unit_id}/reserved-share/{year}",
     {[](Env&, const Caller&, const Tenant& owner) { return Request{share_path(owner)}; }}},
    {Method::get, "/v1/aid-totals/reserved-share",
     fixed("/v1/aid-totals/reserved-share?year=" + china_year())},
    {Method::get, "/v1/aid-totals/rankings", fixed("/v1/aid-totals/rankings?period=month")},
    // The development-only demo clock (the matrix runs with HUICAI_ENV=development): set to
    // no offset, so the calls move nothing.
    {Method::put,
     "/v1/dev/clock",
     {[](Env&, const Caller&, const Tenant&) {
        return Request{"/v1/dev/clock", R"({"offset_seconds":0})"};
      },
      false}},
    {Method::get, "/v1/dev/clock", fixed("/v1/dev/clock")},
    {Method::delete_, "/v1/dev/clock", fixed("/v1/dev/clock")},
    {Method::get, "/v1/aid-totals/rankings.csv",
     fixed("/v1/aid-totals/rankings.csv?period=week&subject=counties")},
};

}  // namespace
