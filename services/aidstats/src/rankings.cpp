// Rankings (rankings.hpp).
#include "rankings.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <huicai/aidstats/contribution.hpp>

#include "reserved_shares.hpp"
#include "totals_queries.hpp"

namespace huicai::aidstats {
namespace {

std::string day_text(std::chrono::sys_days day) {
  const std::chrono::year_month_day date{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::chrono::sys_days parse(const std::string& day) {
  using namespace std::chrono;
  return sys_days{year{std::stoi(day.substr(0, 4))} / month{unsigned(std::stoi(day.substr(5, 2)))} /
                  std::chrono::day{unsigned(std::stoi(day.substr(8, 2)))}};
}

// Competition ranking: a row equal to the one before it on `figure` shares its rank.
template <typename Figure>
void number(std::vector<RankingRow>& rows, Figure figure) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].rank = (i > 0 && figure(rows[i]) == figure(rows[i - 1])) ? rows[i - 1].rank
                                                                     : static_cast<int>(i) + 1;
  }
}

std::vector<RankingRow> by_amount(mysql::Session& session, const std::string& dimension,
                                  const std::string& key) {
  std::vector<RankingRow> rows;
  for (const auto& item : read_breakdown(session, dimension, key)) {
    rows.push_back({0, std::stoll(item.item), item.name, item.amount_fen, std::nullopt});
  }
  number(rows, [](const RankingRow& row) { return row.amount_fen; });
  return rows;
}

std::vector<RankingRow> by_compliance(mysql::Session& session, const std::string& to) {
  const auto year = to.substr(0, 4);
  const auto report = share_report(read_filings(session, std::stoi(year)),
                                   unit_purchases_between(session, year + "-01-01", to));
  std::vector<RankingRow> rows;
  for (const auto& unit : report.units) {
    rows.push_back({0, unit.filing.unit_id, unit.filing.unit_name, unit.purchased_fen,
                    unit.compliance_basis_points});
  }
  std::sort(rows.begin(), rows.end(), [](const RankingRow& a, const RankingRow& b) {
    if (a.compliance_basis_points != b.compliance_basis_points) {
      return a.compliance_basis_points > b.compliance_basis_points;
    }
    return a.amount_fen != b.amount_fen ? a.amount_fen > b.amount_fen : a.id < b.id;
  });
  number(rows, [](const RankingRow& row) { return *row.compliance_basis_points; });
  return rows;
}

}  // namespace

void bound_period(Ranking& ranking) {
  using namespace std::chrono;
  const auto day = parse(ranking.query.at);
  if (ranking.query.period == "week") {
    const unsigned weekday_number = weekday{day}.iso_encoding();  // Monday 1 .. Sunday 7
    const auto monday = day - days{weekday_number - 1};
    ranking.from = day_text(monday);
    ranking.to = day_text(monday + days{6});
    ranking.key = iso_week(ranking.query.at);
  } else {
    const year_month_day date{day};
    const year_month_day_last last{date.year(), month_day_last{date.month()}};
    ranking.from = ranking.query.at.substr(0, 8) + "01";
    ranking.to = day_text(sys_days{last});
    ranking.key = ranking.query.at.substr(0, 7);
  }
}

Ranking read_ranking(mysql::Session& session, const RankingQuery& query) {
  Ranking ranking{query};
  bound_period(ranking);
  if (query.by == "compliance") {
    ranking.rows = by_compliance(session, ranking.to);
  } else {
    ranking.rows = by_amount(session, query.subject == "counties" ? "county" : "unit", ranking.key);
  }
  return ranking;
}

}  // namespace huicai::aidstats
