#include "demo_campaigns.hpp"

#include <array>
#include <huicai/core/mysql/statement.hpp>
#include <string>
#include <vector>

#include "campaign_repository.hpp"

namespace huicai::catalog::demo {
namespace {

struct DemoCampaign {
  const char* code;
  const char* name;
  const char* kind;
  // The window in UTC: China's midnight (UTC+8) of its first day and of the day after its last.
  const char* starts_at;
  const char* ends_at;
};

// 中秋节 2027 is 15 September, 春节 2027 is 6 February (the 年货节 runs the three weeks before).
constexpr std::array<DemoCampaign, 3> kCampaigns{{
    {"demo-spring-festival-2027", "春节年货节 2027", "spring_festival",
     "2027-01-15 16:00:00.000000", "2027-02-05 16:00:00.000000"},
    {"demo-mid-autumn-2027", "中秋消费帮扶季 2027", "mid_autumn", "2027-09-04 16:00:00.000000",
     "2027-09-15 16:00:00.000000"},
    {"demo-poverty-relief-day-2027", "10·17 扶贫日 2027", "poverty_relief_day",
     "2027-10-09 16:00:00.000000", "2027-10-17 16:00:00.000000"},
}};
constexpr int kSkusPerCampaign = 8;
constexpr std::int64_t kStockCap = 500;

bool campaign_exists(mysql::Session& session, const std::string& code) {
  auto& select = session.prepare("SELECT id FROM catalog_campaigns WHERE code = ?");
  return mysql::query(mysql::bind(select, code))->next();
}

// Listed demo SKUs (suppliers below 1000), a different slice for each campaign, at 90 % of
// their price (whole fen, always below it).
std::vector<CampaignSkuInput> featured_skus(mysql::Session& session, int slice) {
  auto& select = session.prepare(
      "SELECT s.id, s.price_fen FROM catalog_skus s JOIN catalog_products p ON p.id = "
      "s.product_id WHERE p.status = 'listed' AND s.status = 'active' AND p.supplier_id < 1000 "
      "AND s.price_fen >= 100 ORDER BY s.id LIMIT ? OFFSET ?");
  auto rows = mysql::query(mysql::bind(select, kSkusPerCampaign, slice * kSkusPerCampaign * 3));
  std::vector<CampaignSkuInput> skus;
  while (rows->next()) {
    const auto price = rows->getInt64("price_fen");
    skus.push_back({rows->getInt64("id"), price * 9 / 10, kStockCap});
  }
  return skus;
}

}  // namespace

void load_campaigns(mysql::Session& session) {
  int slice = 0;
  for (const auto& demo : kCampaigns) {
    const int this_slice = slice++;
    if (campaign_exists(session, demo.code)) continue;
    CampaignInput input;
    input.code = demo.code;
    input.name = demo.name;
    input.kind = demo.kind;
    input.starts_at = demo.starts_at;
    input.ends_at = demo.ends_at;
    input.skus = featured_skus(session, this_slice);
    if (input.skus.empty()) continue;  // no listed demo product yet
    create_campaign(session, input, 0);
  }
}

}  // namespace huicai::catalog::demo
