// The totals routes, one line each (handlers above the table). Reading totals is for finance,
// auditors and operators; a unit admin reads the units of their own subtree. Amounts are fen.
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <huicai/aidstats/contribution.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/mysql/pool.hpp>

#include "period.hpp"
#include "routes.hpp"
#include "totals_queries.hpp"

namespace huicai::aidstats {
namespace {

using auth::Role;
using auth::Scope;
using http::Method;
using Awaited = boost::asio::awaitable<http::Response>;

auth::AccessRule totals_read_rule() {
  return auth::AccessRule::roles(
      {{Role::finance, Scope::any}, {Role::auditor, Scope::any}, {Role::operator_, Scope::any}});
}
auth::AccessRule unit_totals_read_rule() {
  return auth::AccessRule::roles({{Role::finance, Scope::any},
                                  {Role::auditor, Scope::any},
                                  {Role::operator_, Scope::any},
                                  {Role::unit_admin, Scope::unit_subtree}});
}

// 404 when the period's year has no purchase on record (all time always exists).
void require_known_year(mysql::Session& session, const std::string& period) {
  if (period.empty() || year_known(session, period.substr(0, 4))) return;
  throw http::Problem(404, "unknown-year", "Unknown year",
                      "no aid purchase is on record for " + period.substr(0, 4));
}

boost::json::array items_json(const std::vector<BreakdownItem>& items) {
  boost::json::array array;
  for (const auto& item : items) {
    boost::json::object object{{"item", item.item}, {"amount_fen", item.amount_fen}};
    if (!item.name.empty()) object["name"] = item.name;
    array.push_back(std::move(object));
  }
  return array;
}

// GET /v1/aid-totals?period=: the running total, direct vs help-sell, per fund source.
Awaited get_totals(app::Context& context, http::Request& request) {
  const auto period = requested_period(request);
  auto body = co_await context.db().run([&](mysql::Session& session) {
    require_known_year(session, period);
    boost::json::object sources;
    for (auto source : kFundSources) {
      sources[std::string(source) + "_fen"] =
          read_total(session, "fund_source", period, std::string(source));
    }
    return boost::json::object{{"period", period},
                               {"total_fen", read_total(session, "total", period, "")},
                               {"direct_fen", read_total(session, "class", period, "direct")},
                               {"help_sell_fen", read_total(session, "class", period, "help_sell")},
                               {"fund_sources", std::move(sources)}};
  });
  co_return http::Response::json(200, body);
}

// GET /v1/aid-totals/breakdowns/{dimension}?period=: every item of the dimension, largest first.
Awaited get_breakdown(app::Context& context, http::Request& request) {
  const std::string dimension(request.path_param("dimension"));
  static const std::vector<std::string> kDimensions = {"county", "supplier",    "category",
                                                       "unit",   "fund_source", "class"};
  if (std::find(kDimensions.begin(), kDimensions.end(), dimension) == kDimensions.end()) {
    throw http::Problem(404, "unknown-breakdown", "Unknown breakdown",
                        "breakdowns: county, supplier, category, unit, fund_source, class");
  }
  const auto period = requested_period(request);
  require_kept(dimension, period_kind(period));
  auto items = co_await context.db().run([&](mysql::Session& session) {
    require_known_year(session, period);
    return read_breakdown(session, dimension, period);
  });
  co_return http::Response::json(
      200, boost::json::object{
               {"dimension", dimension}, {"period", period}, {"items", items_json(items)}});
}

// GET /v1/aid-totals/series/{granularity}?within=: the running total per year, per month of a
// year (within=YYYY) or per day of a month (within=YYYY-MM).
Awaited get_series(app::Context& context, http::Request& request) {
  const std::string granularity(request.path_param("granularity"));
  const std::string within = request.query_param("within").value_or("");
  const auto kind = period_kind(within);
  std::size_t length = 0;
  if (granularity == "year" && kind == PeriodKind::all) length = 4;
  if (granularity == "month" && kind == PeriodKind::year) length = 7;
  if (granularity == "day" && (kind == PeriodKind::year || kind == PeriodKind::month)) length = 10;
  if (granularity != "year" && granularity != "month" && granularity != "day") {
    throw http::Problem(404, "unknown-series", "Unknown series", "series: year, month, day");
  }
  if (length == 0) {
    throw http::Problem(422, "invalid-period", "Invalid period",
                        "years: no `within`; months: within=YYYY; days: within=YYYY or YYYY-MM");
  }
  auto items = co_await context.db().run([&](mysql::Session& session) {
    require_known_year(session, within);
    return read_series(session, within.empty() ? "" : within + "-", length);
  });
  co_return http::Response::json(
      200, boost::json::object{
               {"granularity", granularity}, {"within", within}, {"items", items_json(items)}});
}

// GET /v1/aid-totals/counties/{county_id}?period=: what one county received.
Awaited get_county(app::Context& context, http::Request& request) {
  const auto county_id = path_id(request, "county_id");
  const auto period = requested_period(request);
  require_kept("county", period_kind(period));
  auto body = co_await context.db().run([&](mysql::Session& session) {
    auto name = county_name(session, county_id);
    if (!name) {
      throw http::Problem(404, "unknown-county", "Unknown county",
                          "county " + std::to_string(county_id) + " does not exist");
    }
    require_known_year(session, period);
    return boost::json::object{
        {"county_id", county_id},
        {"name", *name},
        {"period", period},
        {"total_fen", read_total(session, "county", period, std::to_string(county_id))}};
  });
  co_return http::Response::json(200, body);
}

// GET /v1/aid-totals/units/{unit_id}?period=: a unit's purchases rolled up its subtree, its own,
// and each child unit's subtree.
Awaited get_unit(app::Context& context, http::Request& request) {
  const auto unit_id = path_id(request, "unit_id");
  const auto period = requested_period(request);
  require_kept("unit", period_kind(period));
  auto unit = co_await context.db().run(
      [&](mysql::Session& session) { return find_unit(session, unit_id); });
  if (!unit) {
    throw http::Problem(404, "unknown-unit", "Unknown unit",
                        "unit " + std::to_string(unit_id) + " does not exist");
  }
  auth::Owner owner;
  owner.unit_path = unit->path;
  request.require_access(owner);
  auto body = co_await context.db().run([&](mysql::Session& session) {
    require_known_year(session, period);
    boost::json::array children;
    for (const auto& child : child_units(session, *unit)) {
      children.push_back(boost::json::object{{"unit_id", child.unit_id},
                                             {"name", child.name},
                                             {"kind", child.kind},
                                             {"total_fen", subtree_total(session, child, period)}});
    }
    return boost::json::object{
        {"unit_id", unit->unit_id},
        {"name", unit->name},
        {"kind", unit->kind},
        {"period", period},
        {"total_fen", subtree_total(session, *unit, period)},
        {"own_fen", read_total(session, "unit", period, std::to_string(unit->unit_id))},
        {"children", std::move(children)}};
  });
  co_return http::Response::json(200, body);
}

// GET /v1/aid-totals/units?period=: where the roll-ups start: the group (the roots of the org tree)
// for finance, auditors and operators, a unit admin's own unit; each rolled up its subtree,
// largest first. The dashboard's subsidiary table reads the first one's children from here, so
// it needs no route of identity's.
Awaited get_top_units(app::Context& context, http::Request& request) {
  const auto period = requested_period(request);
  require_kept("unit", period_kind(period));
  const auto scope = request.list_scope();
  auto body = co_await context.db().run([&](mysql::Session& session) {
    require_known_year(session, period);
    std::vector<std::pair<std::int64_t, UnitRecord>> rolled_up;
    for (auto& unit : top_units(session, scope)) {
      const auto total = subtree_total(session, unit, period);
      rolled_up.emplace_back(total, std::move(unit));
    }
    std::stable_sort(rolled_up.begin(), rolled_up.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    boost::json::array items;
    for (const auto& [total, unit] : rolled_up) {
      items.push_back(boost::json::object{{"unit_id", unit.unit_id},
                                          {"name", unit.name},
                                          {"kind", unit.kind},
                                          {"total_fen", total}});
    }
    return boost::json::object{{"period", period}, {"items", std::move(items)}};
  });
  co_return http::Response::json(200, body);
}

http::Handler bound(Awaited (*handler)(app::Context&, http::Request&), app::Context& context) {
  return [handler, &context](http::Request& request) { return handler(context, request); };
}

}  // namespace

void add_totals_routes(http::Router& router, app::Context& context) {
  const std::string s = "aidstats";
  router.add(
      {Method::get, "/v1/aid-totals", s, totals_read_rule(), bound(get_totals, context), {}});
  router.add({Method::get,
              "/v1/aid-totals/breakdowns/{dimension}",
              s,
              totals_read_rule(),
              bound(get_breakdown, context),
              {}});
  router.add({Method::get,
              "/v1/aid-totals/series/{granularity}",
              s,
              totals_read_rule(),
              bound(get_series, context),
              {}});
  router.add({Method::get,
              "/v1/aid-totals/counties/{county_id}",
              s,
              totals_read_rule(),
              bound(get_county, context),
              {}});
  router.add({Method::get,
              "/v1/aid-totals/units",
              s,
              unit_totals_read_rule(),
              bound(get_top_units, context),
              {}});
  router.add({Method::get,
              "/v1/aid-totals/units/{unit_id}",
              s,
              unit_totals_read_rule(),
              bound(get_unit, context),
              {}});
}

}  // namespace huicai::aidstats
