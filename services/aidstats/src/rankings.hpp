#pragma once
// Rankings for governance bulletins: the units by aid bought and by reserved-share compliance,
// the counties by aid received, over one ISO week or one calendar month.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace huicai::mysql {
class Session;
}

namespace huicai::aidstats {

struct RankingQuery {
  std::string period;   // week | month
  std::string at;       // a day of the period, "YYYY-MM-DD"
  std::string by;       // amount | compliance
  std::string subject;  // units | counties
};

struct RankingRow {
  std::int64_t rank = 0;  // 1, 2, 2, 4: equal figures share a rank
  std::int64_t id = 0;
  std::string name;
  std::int64_t amount_fen = 0;
  std::optional<std::int64_t> compliance_basis_points;  // by=compliance only
};

struct Ranking {
  RankingQuery query;
  std::string from, to;  // the period's first and last day
  std::string key;       // its totals period: "YYYY-Www" or "YYYY-MM"
  std::vector<RankingRow> rows;
};

// The period around `at`: first and last day and its totals key.
void bound_period(Ranking& ranking);

// Units by amount: each unit's own purchases in the period. Units by compliance: every filing of
// the year of the period's last day, its purchases from 1 January to that day against its
// target (compliance.hpp). Counties by amount received in the period.
Ranking read_ranking(mysql::Session& session, const RankingQuery& query);

}  // namespace huicai::aidstats
