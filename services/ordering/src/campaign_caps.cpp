#include "campaign_caps.hpp"

#include <cppconn/exception.h>

#include <algorithm>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/statement.hpp>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "order_records.hpp"

namespace huicai::ordering {
namespace {

constexpr int kErrorConstraintFailed = 4025;  // ER_CONSTRAINT_FAILED: CHECK (sold <= cap)

[[noreturn]] void throw_cap_reached(mysql::Session& session, const CampaignTake& take) {
  // What is left, for the message (the decision was the failed statement's, which changed
  // nothing).
  auto& select = session.prepare(
      "SELECT sold FROM ordering_campaign_sales WHERE campaign_id = ? AND sku_id = ?");
  auto row = mysql::query(mysql::bind(select, take.campaign_id, take.sku_id));
  const std::int64_t sold = row->next() ? row->getInt64("sold") : 0;
  const auto left = std::max<std::int64_t>(0, take.cap - sold);
  throw http::Problem(409, "campaign-cap-reached", "Campaign cap reached",
                      "only " + std::to_string(left) + " of SKU " + std::to_string(take.sku_id) +
                          " are left at the price of campaign " + std::to_string(take.campaign_id) +
                          ", not " + std::to_string(take.quantity))
      .with("sku_id", take.sku_id)
      .with("campaign_id", take.campaign_id)
      .with("requested", take.quantity)
      .with("available", left);
}

}  // namespace

void take_campaign_caps(mysql::Session& session, const std::vector<CampaignTake>& takes) {
  if (takes.empty()) return;
  // The row is created by the first order of the campaign's SKU; after that the UPDATE branch
  // adds to it under the row lock. A take beyond the cap fails the CHECK: nothing changes.
  auto& take_statement = session.prepare(
      "INSERT INTO ordering_campaign_sales (campaign_id, sku_id, cap, sold) VALUES (?, ?, ?, ?) "
      "ON DUPLICATE KEY UPDATE cap = VALUES(cap), sold = sold + VALUES(sold), "
      "updated_at = CURRENT_TIMESTAMP(6)");
  for (const auto& take : takes) {
    mysql::bind(take_statement, take.campaign_id, take.sku_id, take.cap, take.quantity);
    try {
      take_statement.executeUpdate();
    } catch (const sql::SQLException& error) {
      if (error.getErrorCode() != kErrorConstraintFailed) throw;
      throw_cap_reached(session, take);
    }
  }
}

void return_campaign_caps(mysql::Session& session, const OrderRecord& order) {
  // Per (SKU, campaign), in SKU order like the takes of order placement.
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> units;
  for (const auto& line : order.lines) {
    if (line.campaign_id) units[{line.sku_id, *line.campaign_id}] += line.quantity;
  }
  if (units.empty()) return;
  auto& give_back = session.prepare(
      "UPDATE ordering_campaign_sales SET sold = sold - ?, updated_at = CURRENT_TIMESTAMP(6) "
      "WHERE campaign_id = ? AND sku_id = ? AND sold >= ?");
  for (const auto& [key, quantity] : units) {
    const auto& [sku_id, campaign_id] = key;
    mysql::bind(give_back, quantity, campaign_id, sku_id, quantity);
    if (give_back.executeUpdate() != 1) {
      throw std::logic_error("campaign " + std::to_string(campaign_id) + " sold fewer of SKU " +
                             std::to_string(sku_id) + " than order " + std::to_string(order.id) +
                             " gives back");
    }
  }
}

}  // namespace huicai::ordering
