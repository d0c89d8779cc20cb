// The reserved-share routes, one line each (handlers above the table). A unit admin files the
// share of its own unit or a unit below it, finance any unit's; the unit's path comes from
// identity's directory, never from the request. Readers: finance, auditor, operator, and a unit
// admin for its own subtree. Every filing goes to the audit log (aidstats_outbox).
#include <boost/json/serialize.hpp>
#include <huicai/aidstats/compliance.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/audit.hpp>
#include <huicai/core/http/etag.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/json.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/validation.hpp>

#include "reserved_shares.hpp"
#include "routes.hpp"
#include "totals_queries.hpp"

namespace huicai::aidstats {
namespace {

using auth::Role;
using auth::Scope;
using http::Method;
using Awaited = boost::asio::awaitable<http::Response>;

constexpr std::int64_t kMaxBase = 100'000'000'000'000;  // 1万亿 yuan: far above any base

struct ShareBody {
  std::int64_t base_fen = 0;
  std::int64_t ratio_basis_points = 0;
};
BOOST_DESCRIBE_STRUCT(ShareBody, (), (base_fen, ratio_basis_points))

auth::AccessRule share_file_rule() {
  return auth::AccessRule::roles(
      {{Role::finance, Scope::any}, {Role::unit_admin, Scope::unit_subtree}});
}
// Group-wide roles first: the first granted role the caller holds decides what it reads.
auth::AccessRule share_read_rule() {
  return auth::AccessRule::roles({{Role::finance, Scope::any},
                                  {Role::auditor, Scope::any},
                                  {Role::operator_, Scope::any},
                                  {Role::unit_admin, Scope::unit_subtree}});
}

[[noreturn]] void unknown_year(const std::string& year) {
  throw http::Problem(404, "unknown-year", "Unknown year",
                      "no reserved share or aid purchase is on record for " + year);
}

int path_year(const http::Request& request) {
  const auto year = path_id(request, "year");
  if (year < 2000 || year > 2100) unknown_year(std::to_string(year));
  return static_cast<int>(year);
}

int query_year(const http::Request& request) {
  const auto text = request.query_param("year");
  if (!text || text->size() != 4 || text->find_first_not_of("0123456789") != std::string::npos) {
    throw http::Problem(422, "invalid-year", "Invalid year", "year=YYYY is required");
  }
  return std::stoi(*text);
}

UnitRecord known_unit(mysql::Session& session, std::int64_t unit_id) {
  auto unit = find_unit(session, unit_id);
  if (!unit) {
    throw http::Problem(404, "unknown-unit", "Unknown unit",
                        "unit " + std::to_string(unit_id) + " does not exist");
  }
  return *unit;
}

void require_unit_access(const http::Request& request, const std::string& unit_path) {
  auth::Owner owner;
  owner.unit_path = unit_path;
  request.require_access(owner);
}

ShareBody share_from(const http::Request& request) {
  const auto body = decode_json<ShareBody>(request.body);
  Validator check;
  check.require(body.base_fen >= 0 && body.base_fen <= kMaxBase, "base_fen",
                "must be between 0 and 10^14 fen");
  check.require(body.ratio_basis_points >= 0 && body.ratio_basis_points <= kFullRatio,
                "ratio_basis_points", "must be between 0 and 10000 (0-100 %)");
  check.throw_if_any();
  return body;
}

std::string share_summary(std::int64_t base_fen, std::int64_t ratio_basis_points) {
  return boost::json::serialize(
      boost::json::object{{"base_fen", base_fen}, {"ratio_basis_points", ratio_basis_points}});
}

// The report for a reader: everything for the group-wide roles, a unit admin's own subtree.
std::string reader_scope(const http::Request& request) {
  return audit::acting_role(request) == "unit_admin" ? request.caller().unit_path : "";
}

boost::json::object row_json(const ShareRow& row) {
  return boost::json::object{{"unit_id", row.filing.unit_id},
                             {"unit_name", row.filing.unit_name},
                             {"parent_unit_id", row.filing.parent_unit_id},
                             {"base_fen", row.filing.base_fen},
                             {"ratio_basis_points", row.filing.ratio_basis_points},
                             {"target_fen", row.target_fen},
                             {"purchased_fen", row.purchased_fen},
                             {"compliance_basis_points", row.compliance_basis_points},
                             {"below_target", row.below_target}};
}

ShareReport year_report(mysql::Session& session, int year, const std::string& scope) {
  return share_report(read_filings(session, year), unit_purchases(session, std::to_string(year)),
                      scope);
}

// PUT /v1/units/{unit_id}/reserved-share/{year} {"base_fen","ratio_basis_points"}: files or
// changes the share; a change needs If-Match with the filing's ETag (428 without, 412 stale).
Awaited put_share(app::Context& context, http::Request& request) {
  const auto unit_id = path_id(request, "unit_id");
  const int year = path_year(request);
  struct Outcome {
    int status;
    Filing filing;
  };
  auto outcome = co_await context.db().transaction([&](mysql::Session& session) {
    const auto unit = known_unit(session, unit_id);
    require_unit_access(request, unit.path);
    const auto body = share_from(request);
    const auto account = request.caller().account_id;
    const auto previous = read_filing(session, unit_id, year, true);
    std::string before;
    int status = 201;
    if (previous) {
      const auto version = http::required_if_match_version(request);
      if (!update_filing(session, unit_id, year, version, body.base_fen, body.ratio_basis_points,
                         account)) {
        throw http::stale_version(previous->version);
      }
      before = share_summary(previous->base_fen, previous->ratio_basis_points);
      status = 200;
    } else if (!insert_filing(session, unit_id, unit.path, year, body.base_fen,
                              body.ratio_basis_points, account)) {
      throw http::stale_version(1);  // filed by someone else meanwhile
    }
    audit::record_privileged(session, "aidstats_outbox", "aidstats", request,
                             {"reserved_share.filed", "reserved_share",
                              std::to_string(unit_id) + "/" + std::to_string(year), before,
                              share_summary(body.base_fen, body.ratio_basis_points)});
    return Outcome{status, *read_filing(session, unit_id, year)};
  });
  const auto& filing = outcome.filing;
  auto response = http::Response::json(
      outcome.status,
      boost::json::object{{"unit_id", filing.unit_id},
                          {"year", year},
                          {"base_fen", filing.base_fen},
                          {"ratio_basis_points", filing.ratio_basis_points},
                          {"target_fen", target_fen(filing.base_fen, filing.ratio_basis_points)},
                          {"version", filing.version}});
  response.set_header("etag", http::version_etag(filing.version));
  co_return response;
}

// GET /v1/units/{unit_id}/reserved-share/{year}: the unit's filing and its compliance.
Awaited get_unit_share(app::Context& context, http::Request& request) {
  const auto unit_id = path_id(request, "unit_id");
  const int year = path_year(request);
  auto row = co_await context.db().run([&](mysql::Session& session) -> std::optional<ShareRow> {
    const auto unit = known_unit(session, unit_id);
    require_unit_access(request, unit.path);
    for (auto& row : year_report(session, year, unit.path).units) {
      if (row.filing.unit_id == unit_id) return row;
    }
    return std::nullopt;
  });
  if (!row) {
    throw http::Problem(404, "no-reserved-share", "No reserved share",
                        "unit " + std::to_string(unit_id) + " has filed no reserved share for " +
                            std::to_string(year));
  }
  auto body = row_json(*row);
  body["year"] = year;
  body["version"] = row->filing.version;
  auto response = http::Response::json(200, body);
  response.set_header("etag", http::version_etag(row->filing.version));
  co_return response;
}

// GET /v1/aid-totals/reserved-share?year=YYYY: every filing's compliance, the group rolled up
// (Σ purchased ÷ Σ target) and the units below target.
Awaited get_share_report(app::Context& context, http::Request& request) {
  const int year = query_year(request);
  const auto scope = reader_scope(request);
  auto report = co_await context.db().run([&](mysql::Session& session) {
    if (!year_has_filings(session, year) && !year_known(session, std::to_string(year))) {
      unknown_year(std::to_string(year));
    }
    return year_report(session, year, scope);
  });
  boost::json::array units, below;
  for (const auto& row : report.units) units.push_back(row_json(row));
  for (auto id : report.below_target) below.push_back(id);
  const boost::json::object group{
      {"base_fen", report.base_fen},
      {"ratio_basis_points",
       report.base_fen == 0 ? 0 : report.target_fen * kFullRatio / report.base_fen},
      {"target_fen", report.target_fen},
      {"purchased_fen", report.purchased_fen},
      {"compliance_basis_points", report.compliance_basis_points},
      {"below_target", report.purchased_fen < report.target_fen}};
  co_return http::Response::json(200, boost::json::object{{"year", year},
                                                          {"group", group},
                                                          {"units", std::move(units)},
                                                          {"below_target", std::move(below)}});
}

http::Handler bound(Awaited (*handler)(app::Context&, http::Request&), app::Context& context) {
  return [handler, &context](http::Request& request) { return handler(context, request); };
}

}  // namespace

void add_reserved_share_routes(http::Router& router, app::Context& context) {
  const std::string s = "aidstats";
  auto add = [&](Method method, const char* pattern, auth::AccessRule rule,
                 Awaited (*handler)(app::Context&, http::Request&)) {
    router.add({method, pattern, s, std::move(rule), bound(handler, context), {}});
  };
  add(Method::put, "/v1/units/{unit_id}/reserved-share/{year}", share_file_rule(), put_share);
  add(Method::get, "/v1/units/{unit_id}/reserved-share/{year}", share_read_rule(), get_unit_share);
  add(Method::get, "/v1/aid-totals/reserved-share", share_read_rule(), get_share_report);
}

}  // namespace huicai::aidstats
