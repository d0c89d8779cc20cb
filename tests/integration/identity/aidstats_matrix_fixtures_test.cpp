// Matrix fixtures for the aid totals routes (see authorization_matrix.hpp): the group-wide
// totals have no object of a tenant; a unit's totals belong to the unit, so a unit admin reads
// their own subtree and gets 403 for another tenant's unit.
#include <catch2/catch.hpp>

#include "authorization_matrix.hpp"

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
    {Method::get, "/v1/aid-totals/units/{unit_id}", {[](Env&, const Caller&, const Tenant& owner) {
       return Request{"/v1/aid-totals/units/" + std::to_string(owner.unit_id)};
     }}},
};

}  // namespace
