// The ranking routes for governance bulletins, one line each (handlers above the table): the
// units by aid bought or by reserved-share compliance, the counties by aid received, per ISO
// week or calendar month, as JSON and as CSV or XLSX finance pastes into a bulletin. Readers:
// finance, auditor, operator (a ranking compares units across the group).
#include <chrono>
#include <cstdio>
#include <huicai/aidstats/contribution.hpp>
#include <huicai/core/app/context.hpp>
#include <huicai/core/csv.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/table_export.hpp>
#include <stdexcept>

#include "rankings.hpp"
#include "routes.hpp"
#include "totals_queries.hpp"

namespace huicai::aidstats {
namespace {

using auth::Role;
using auth::Scope;
using http::Method;
using Awaited = boost::asio::awaitable<http::Response>;

auth::AccessRule ranking_read_rule() {
  return auth::AccessRule::roles(
      {{Role::finance, Scope::any}, {Role::auditor, Scope::any}, {Role::operator_, Scope::any}});
}

// Today in China's calendar (UTC+8), the day purchases are counted on.
std::string china_today() {
  using namespace std::chrono;
  const year_month_day date{floor<days>(system_clock::now() + hours{8})};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::string one_of(const http::Request& request, const char* name,
                   std::initializer_list<const char*> allowed) {
  const auto value = request.query_param(name).value_or(*allowed.begin());
  for (const char* candidate : allowed) {
    if (value == candidate) return value;
  }
  std::string list;
  for (const char* candidate : allowed) list += (list.empty() ? "" : ", ") + std::string(candidate);
  throw http::Problem(422, "invalid-ranking", "Invalid ranking",
                      std::string(name) + " must be one of: " + list);
}

RankingQuery ranking_query(const http::Request& request) {
  RankingQuery query;
  query.period = one_of(request, "period", {"month", "week"});
  query.by = one_of(request, "by", {"amount", "compliance"});
  query.subject = one_of(request, "subject", {"units", "counties"});
  query.at = request.query_param("at").value_or(china_today());
  try {
    if (query.at.size() != 10) throw std::invalid_argument(query.at);
    iso_week(query.at);  // validates the calendar date
  } catch (const std::invalid_argument&) {
    throw http::Problem(422, "invalid-ranking", "Invalid ranking", "at must be a date YYYY-MM-DD");
  }
  if (query.subject == "counties" && query.by == "compliance") {
    throw http::Problem(422, "invalid-ranking", "Invalid ranking",
                        "counties are ranked by the amount they received (by=amount)");
  }
  return query;
}

boost::asio::awaitable<Ranking> ranking_of(app::Context& context, const http::Request& request) {
  const auto query = ranking_query(request);
  co_return co_await context.db().run([&](mysql::Session& session) {
    const auto year = query.at.substr(0, 4);
    if (!year_known(session, year)) {
      throw http::Problem(404, "unknown-year", "Unknown year",
                          "no aid purchase is on record for " + year);
    }
    return read_ranking(session, query);
  });
}

// GET /v1/aid-totals/rankings?period=week|month&at=YYYY-MM-DD&by=amount|compliance
// &subject=units|counties
Awaited get_ranking(app::Context& context, http::Request& request) {
  const auto ranking = co_await ranking_of(context, request);
  boost::json::array rows;
  for (const auto& row : ranking.rows) {
    boost::json::object object{
        {"rank", row.rank}, {"id", row.id}, {"name", row.name}, {"amount_fen", row.amount_fen}};
    if (row.compliance_basis_points) {
      object["compliance_basis_points"] = *row.compliance_basis_points;
    }
    rows.push_back(std::move(object));
  }
  co_return http::Response::json(200, boost::json::object{{"period", ranking.query.period},
                                                          {"from", ranking.from},
                                                          {"to", ranking.to},
                                                          {"subject", ranking.query.subject},
                                                          {"by", ranking.query.by},
                                                          {"rows", std::move(rows)}});
}

// GET /v1/aid-totals/rankings.csv?... and .xlsx?...: the same ranking for a bulletin: a title
// row naming the period, then rank, name, id, amount in 元 and fen (and compliance in % when
// by=compliance), through the shared table export (CSV and XLSX from the same rows).
Awaited export_ranking(app::Context& context, http::Request& request, ExportFormat format) {
  const auto ranking = co_await ranking_of(context, request);
  const bool units = ranking.query.subject == "units";
  const bool compliance = ranking.query.by == "compliance";
  auto table = table_export(format, "排名 ranking");
  table
      ->text(std::string(units ? "单位" : "县") +
             (compliance ? "预留份额完成率排名" : "消费帮扶金额排名"))
      .text(ranking.from + " ~ " + ranking.to)
      .end_row();
  table->text("名次 rank").text(units ? "单位 unit" : "县 county").text("id");
  table->text(compliance ? "本年累计 元" : "金额 元")
      .text(compliance ? "本年累计 fen" : "金额 fen");
  if (compliance) table->text("完成率 %");
  table->end_row();
  for (const auto& row : ranking.rows) {
    table->number(row.rank).text(row.name).number(row.id).money(row.amount_fen);
    // Basis points as a percentage with two decimals, exactly: 12345 -> 123.45.
    if (row.compliance_basis_points) table->text(yuan(*row.compliance_basis_points));
    table->end_row();
  }
  co_return table->finish("rankings-" + ranking.query.subject + "-" + ranking.query.by + "-" +
                          ranking.key);
}

Awaited get_ranking_csv(app::Context& context, http::Request& request) {
  return export_ranking(context, request, ExportFormat::csv);
}

Awaited get_ranking_xlsx(app::Context& context, http::Request& request) {
  return export_ranking(context, request, ExportFormat::xlsx);
}

http::Handler bound(Awaited (*handler)(app::Context&, http::Request&), app::Context& context) {
  return [handler, &context](http::Request& request) { return handler(context, request); };
}

}  // namespace

void add_ranking_routes(http::Router& router, app::Context& context) {
  const std::string s = "aidstats";
  auto add = [&](const char* pattern, Awaited (*handler)(app::Context&, http::Request&)) {
    router.add({Method::get, pattern, s, ranking_read_rule(), bound(handler, context), {}});
  };
  add("/v1/aid-totals/rankings", get_ranking);
  add("/v1/aid-totals/rankings.csv", get_ranking_csv);
  add("/v1/aid-totals/rankings.xlsx", get_ranking_xlsx);
}

}  // namespace huicai::aidstats
